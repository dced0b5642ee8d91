package dev.openwork.host.api.devices;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The persistent registry of paired devices. Thread-safe. Every change is on disk before the call
 * returns. Revoking posts {@code HostTopics.DEVICE_REVOKED}, registering posts
 * {@code HostTopics.DEVICE_PAIRED}, both with {@code HostEventProperties.DEVICE_ID}.
 */
@ProviderType
public interface DeviceRegistry {

    /** A new device and its credential, which exists in clear only in this object. */
    record Registration(Device device, String credential) {
        @Override
        public String toString() {
            return "Registration[device=" + device + ", credential=<hidden>]";
        }
    }

    /** All devices, oldest first. */
    List<Device> list();

    Optional<Device> find(String deviceId);

    /**
     * Registers a device with a fresh credential of at least 256 bits from a CSPRNG.
     *
     * @throws dev.openwork.host.api.error.HostException {@code INVALID_REQUEST} for an unknown scope
     */
    Registration register(String name, String platform, Set<String> scopes);

    /**
     * The device whose credential this is, recording when and from where it was seen; empty for
     * an unknown, malformed or revoked credential. Runs in constant time in the credential.
     */
    Optional<Device> authenticate(String credential, String remoteAddress);

    /** Revokes the device's credential and forgets the device; false when there was no such device. */
    boolean revoke(String deviceId);

    /**
     * Replaces the device's scopes.
     *
     * @throws dev.openwork.host.api.error.HostException {@code NOT_FOUND}, or {@code INVALID_REQUEST}
     *         for an unknown scope
     */
    Device setScopes(String deviceId, Set<String> scopes);
}
