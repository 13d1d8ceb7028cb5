package io.keywarden.revocation.internal.authority;

import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.revocation.internal.config.InvalidConfigurationException;

/**
 * One configured authority. Registers its {@link Authority} only when the configuration is valid (a DS service would
 * stay registered after activate throws), so an authority with a bad key simply does not exist.
 */
@Component(configurationPid = AuthorityOptions.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = AuthorityConfig.class, factory = true)
public final class AuthorityComponent {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityComponent.class);

    private ServiceRegistration<Authority> registration;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws InvalidConfigurationException {
        Authority authority;
        try {
            authority = AuthorityOptions.parse(properties);
        } catch (InvalidConfigurationException e) {
            LOG.error("Revocation authority {} rejected: {}", properties.get("service.pid"), e.getMessage());
            throw e;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(AuthorityOptions.KEY_ID, authority.getId());
        props.put(AuthorityOptions.KEY_ROLE, authority.getRole().configName());
        registration = context.registerService(Authority.class, authority, props);
        LOG.info("Revocation authority {}", authority);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            registration = null;
        }
    }
}
