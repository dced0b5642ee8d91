package dev.openwork.host.transport.tls.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Picks the port for {@code port=0}. Jetty would pick one per connector; the host must offer one
 * port on every address, so one is picked up front (on the wildcard address, so it is free on
 * all of them) and then shared.
 */
final class FreePorts {

    private FreePorts() {
    }

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }
}
