package dev.openwork.host.transport.tls.internal;

/**
 * Something the admin should fix, as the tls check shows it.
 *
 * @param cause  what is wrong, in plain words
 * @param action what to do about it
 */
record Problem(String cause, String action) {

    static final String CONFIG_FILE = "etc/" + TlsTransportComponent.PID + ".cfg";

    static Problem inConfiguration(String cause) {
        return new Problem(cause, "Correct it in " + CONFIG_FILE + "; the change applies at once.");
    }
}
