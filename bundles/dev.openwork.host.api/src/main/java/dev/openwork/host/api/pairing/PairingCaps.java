package dev.openwork.host.api.pairing;

/**
 * Global failure counters (never per address): at most {@link #MAX_PER_WINDOW} failures close a
 * window, and after {@link #MAX_LIFETIME} failures over the host's life pairing is refused until
 * an admin resets the counter.
 */
public record PairingCaps(int failuresThisWindow, int failuresLifetime) {

    public static final int MAX_PER_WINDOW = 10;
    public static final int MAX_LIFETIME = 100;

    public boolean lifetimeExhausted() {
        return failuresLifetime >= MAX_LIFETIME;
    }
}
