package dev.openwork.host.api.identity;

/**
 * One address the host's TLS listener is bound to.
 *
 * @param address literal IP address (IPv6 without brackets)
 * @param port    TCP port
 */
public record LanEndpoint(String address, int port) {

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String authority() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
