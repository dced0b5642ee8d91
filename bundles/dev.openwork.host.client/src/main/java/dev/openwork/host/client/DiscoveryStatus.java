package dev.openwork.host.client;

import java.util.List;

/**
 * How a host is announced, as {@code GET /v1/discovery} reports it.
 *
 * @param mode         {@code mdns} or {@code manual}
 * @param running      whether a bundle announces the host that way
 * @param working      whether clients can find the host through it now
 * @param cause        why, in plain words
 * @param action       what to do when it does not work, or {@code null}
 * @param addresses    where clients are told to connect
 * @param connectLinks {@code openwork-host://} links with the host's fingerprint
 */
public record DiscoveryStatus(String mode, boolean running, boolean working, String cause, String action,
        List<String> addresses, List<String> connectLinks) {

    public DiscoveryStatus {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        connectLinks = connectLinks == null ? List.of() : List.copyOf(connectLinks);
    }
}
