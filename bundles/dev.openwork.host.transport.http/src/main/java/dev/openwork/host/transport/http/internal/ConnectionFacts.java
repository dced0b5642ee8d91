package dev.openwork.host.transport.http.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** What the transport knows about the connection a request came on. */
record ConnectionFacts(boolean tls, boolean loopback, int localPort, String remoteAddress) {

    static ConnectionFacts of(HttpServletRequest request) {
        return new ConnectionFacts(request.isSecure(), isLoopback(request.getLocalAddr()), request.getLocalPort(),
                request.getRemoteAddr());
    }

    /** The plain listener that only local processes reach. */
    boolean localPlain() {
        return !tls && loopback;
    }

    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        try {
            // a literal address: no name lookup happens
            return InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address)
                    .isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
