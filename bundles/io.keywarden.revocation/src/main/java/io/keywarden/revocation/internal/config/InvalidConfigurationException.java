package io.keywarden.revocation.internal.config;

/** A configuration value that cannot be used; names the property. */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String property;

    public InvalidConfigurationException(String property, String message) {
        super(property + ": " + message);
        this.property = property;
    }

    public String getProperty() {
        return property;
    }
}
