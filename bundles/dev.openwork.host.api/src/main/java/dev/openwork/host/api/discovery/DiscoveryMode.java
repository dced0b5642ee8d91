package dev.openwork.host.api.discovery;

import java.util.Locale;
import java.util.Optional;

/**
 * The ways the host can be found. The configuration {@link #PID} holds the chosen one in its
 * property {@link #MODE_PROPERTY}; each discovery bundle starts announcing when its mode is chosen
 * and stops (with goodbye records where the mechanism has them) when another one is.
 */
public enum DiscoveryMode {
    /** Multicast DNS service discovery ({@code _openwork._tcp}) on the LAN. */
    MDNS,
    /** No multicast: addresses the admin configured, offered as a connect link and QR code. */
    MANUAL;

    /** ConfigAdmin PID of the choice, also {@code etc/dev.openwork.host.discovery.cfg}. */
    public static final String PID = "dev.openwork.host.discovery";
    /** Property of {@link #PID} naming the mode: {@code mdns} or {@code manual}. */
    public static final String MODE_PROPERTY = "mode";
    /**
     * Framework property with the mode to use while {@link #PID} names none (the launcher's
     * {@code --discovery} option sets it); the configuration wins once it names a mode.
     */
    public static final String FRAMEWORK_PROPERTY = "openwork.discovery.mode";
    /** The mode when neither the configuration nor the framework names one. */
    public static final DiscoveryMode DEFAULT = MDNS;

    /** The mode's name in configuration and commands: {@code mdns} or {@code manual}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code text} (any case, surrounding blanks ignored), if there is one. */
    public static Optional<DiscoveryMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.strip();
        for (DiscoveryMode mode : values()) {
            if (mode.id().equalsIgnoreCase(wanted)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    /**
     * The mode in effect: the configured value when there is one, else the framework's default, else
     * {@link #DEFAULT}; empty when the value that applies names no mode.
     *
     * @param configured       the {@link #MODE_PROPERTY} of {@link #PID}, or {@code null}
     * @param frameworkDefault the framework property {@link #FRAMEWORK_PROPERTY}, or {@code null}
     */
    public static Optional<DiscoveryMode> effective(Object configured, String frameworkDefault) {
        if (configured != null && !configured.toString().isBlank()) {
            return parse(configured.toString());
        }
        if (frameworkDefault != null && !frameworkDefault.isBlank()) {
            return parse(frameworkDefault);
        }
        return Optional.of(DEFAULT);
    }
}
