package io.keywarden.support.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a connection comes from. In OSGi the driver is preferably the {@code org.osgi.service.jdbc.DataSourceFactory}
 * service its bundle registers (H2's and pgjdbc's activators do when the osgi.jdbc API bundle is present, as in the
 * standalone runtime and the Karaf feature). Kura has no osgi.jdbc API bundle, so H2 registers none there: then the
 * driver class is loaded through the calling bundle's class loader (which must import or dynamically import
 * {@code org.h2} / {@code org.postgresql}) and asked directly, never through DriverManager, whose caller-class-loader
 * check does not work across bundles.
 *
 * <p>A bundle using this class imports {@code org.osgi.service.jdbc} with {@code resolution:=optional}: the service
 * type is only touched when the package is wired.
 */
public final class JdbcDrivers {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDrivers.class);
    private static final String DATA_SOURCE_FACTORY = "org.osgi.service.jdbc.DataSourceFactory";

    private JdbcDrivers() {}

    /**
     * Connections to {@code url}: through a DataSourceFactory service found in {@code context} when there is one for
     * the URL's driver, else through the driver class. Looked up again for each new connection, so a driver bundle
     * that starts (or restarts) after the caller is picked up; no driver at all is a connection failure (SQLState
     * 08001), which {@link Database} retries for a while.
     *
     * @param context the calling bundle's context, or null outside OSGi (the driver class alone)
     */
    public static ConnectionSource connectionSource(BundleContext context, String url, String user, String password) {
        Dialect dialect = Dialect.of(url);
        Properties info = credentials(user, password);
        return () -> {
            Driver driver = context == null ? null : fromService(context, dialect);
            if (driver == null) {
                driver = fromClass(dialect);
            }
            Connection c = driver.connect(url, info);
            if (c == null) {
                throw new SQLNonTransientConnectionException(
                        "the " + dialect + " driver does not accept " + Dialect.redact(url), "08001");
            }
            return c;
        };
    }

    /** Connections through the driver class only (tests, or plain Java). */
    public static ConnectionSource connectionSource(String url, String user, String password) {
        return connectionSource(null, url, user, password);
    }

    /** How connections to this dialect are made in this bundle right now, for the log: "service" or "class". */
    public static String route(BundleContext context, Dialect dialect) {
        return context != null && fromService(context, dialect) != null ? "DataSourceFactory service" : "driver class";
    }

    private static Properties credentials(String user, String password) {
        Properties info = new Properties();
        if (user != null && !user.isEmpty()) {
            info.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            info.setProperty("password", password);
        }
        return info;
    }

    private static Driver fromService(BundleContext context, Dialect dialect) {
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences(
                    DATA_SOURCE_FACTORY, "(osgi.jdbc.driver.class=" + dialect.driverClass() + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IllegalStateException stopped) {
            return null;
        }
        if (refs == null) {
            return null;
        }
        for (ServiceReference<?> ref : refs) {
            try {
                Driver d = OsgiJdbcService.driver(context, ref);
                if (d != null) {
                    return d;
                }
            } catch (NoClassDefFoundError unwired) {
                // our optional import of org.osgi.service.jdbc is not wired: the driver class route it is
                return null;
            }
        }
        return null;
    }

    private static Driver fromClass(Dialect dialect) throws SQLException {
        try {
            Class<?> type = Class.forName(dialect.driverClass(), true, JdbcDrivers.class.getClassLoader());
            return (Driver) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("no {} driver class visible", dialect, e);
            throw new SQLTransientConnectionException(
                    "no JDBC driver for " + dialect + ": neither a DataSourceFactory service for "
                            + dialect.driverClass() + " nor the class itself is available",
                    "08001",
                    e);
        } catch (ReflectiveOperationException e) {
            throw new SQLNonTransientConnectionException("cannot create " + dialect.driverClass(), "08001", e);
        }
    }
}
