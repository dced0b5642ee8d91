package dev.openwork.host.api.devices;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A paired device as the host knows it. Never carries a credential.
 *
 * @param id          stable id chosen by the host
 * @param name        the name the device gave (or the admin set)
 * @param platform    e.g. {@code ios}, {@code android}, {@code linux}, {@code cli}
 * @param scopes      what the device may do (see {@link Scopes})
 * @param pairedAt    when it was approved
 * @param lastSeenAt  when it last authenticated, or {@code null}
 * @param lastAddress the address it last connected from, or {@code null}
 */
public record Device(String id, String name, String platform, Set<String> scopes, Instant pairedAt,
        Instant lastSeenAt, String lastAddress) {

    public Device {
        Objects.requireNonNull(id, "id");
        scopes = Set.copyOf(scopes);
    }
}
