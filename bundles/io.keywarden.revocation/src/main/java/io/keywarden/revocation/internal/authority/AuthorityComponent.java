package io.keywarden.revocation.internal.authority;

import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.config.Registrations;

/**
 * One configured authority. Registers its {@link Authority} only when the configuration is valid (a DS service would
 * stay registered after activate throws), so an authority with a bad key simply does not exist.
 */
@Component(
        configurationPid = AuthorityOptions.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = AuthorityConfig.class, factory = true)
public final class AuthorityComponent {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    private Registrations registrations;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws InvalidConfigurationException {
        Object pid = properties.getOrDefault(Constants.SERVICE_PID, AuthorityOptions.FACTORY_PID);
        Authority authority = ConfigurationErrors.parse(
                LOG, eventAdmin, String.valueOf(pid), () -> AuthorityOptions.parse(properties));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(AuthorityOptions.KEY_ID, authority.getId());
        props.put(AuthorityOptions.KEY_ROLE, authority.getRole().configName());
        registrations = new Registrations(context);
        registrations.register(Authority.class, authority, props);
        LOG.info("Revocation authority {}", authority);
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
        }
    }
}
