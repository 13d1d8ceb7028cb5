package io.keywarden.revocation.internal.authority;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.event.EventAdmin;

import io.keywarden.support.config.InvalidConfigurationException;

/** Lets tests outside this package activate an AuthorityComponent the way SCR does. */
public final class AuthorityComponentAccess {
    private AuthorityComponentAccess() {}

    public static void activate(EventAdmin eventAdmin, BundleContext context, Map<String, Object> properties)
            throws InvalidConfigurationException {
        AuthorityComponent c = new AuthorityComponent();
        c.eventAdmin = eventAdmin;
        c.activate(context, properties);
    }
}
