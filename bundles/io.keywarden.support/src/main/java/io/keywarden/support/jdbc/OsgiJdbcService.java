package io.keywarden.support.jdbc;

import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.jdbc.DataSourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that names the osgi.jdbc API, loaded only once such a service was found: a bundle whose optional
 * import of {@code org.osgi.service.jdbc} is not wired (Kura) never loads it.
 */
final class OsgiJdbcService {
    private static final Logger LOG = LoggerFactory.getLogger(OsgiJdbcService.class);

    private OsgiJdbcService() {}

    /** The driver the service creates, or null when the service is gone or not of our class space. */
    static Driver driver(BundleContext context, ServiceReference<?> ref) {
        Object service;
        try {
            service = context.getService(ref);
        } catch (IllegalStateException stopped) {
            return null;
        }
        if (service == null) {
            return null;
        }
        try {
            if (!isFactory(service)) {
                return null;
            }
            return ((DataSourceFactory) service).createDriver(new Properties());
        } catch (SQLException e) {
            LOG.warn("DataSourceFactory of {} refused to create a driver: {}", ref.getBundle(), e.toString());
            return null;
        } finally {
            // the driver keeps working without the service object; the reference count must not grow per connection
            context.ungetService(ref);
        }
    }

    private static boolean isFactory(Object service) {
        try {
            return service instanceof DataSourceFactory;
        } catch (NoClassDefFoundError unwired) {
            return false;
        }
    }
}
