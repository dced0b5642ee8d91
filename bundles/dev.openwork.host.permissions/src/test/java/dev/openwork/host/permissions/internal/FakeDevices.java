package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Devices in memory: the gate reads scopes from here on every call. */
final class FakeDevices implements DeviceRegistry {

    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    void put(String id, Set<String> scopes) {
        devices.put(id, new Device(id, id, "cli", scopes, Instant.EPOCH, null, null));
    }

    @Override
    public List<Device> list() {
        return List.copyOf(devices.values());
    }

    @Override
    public Optional<Device> find(String deviceId) {
        return Optional.ofNullable(deviceId == null ? null : devices.get(deviceId));
    }

    @Override
    public Registration register(String name, String platform, Set<String> scopes) {
        throw new AssertionError("the permission gate never registers devices");
    }

    @Override
    public Optional<Device> authenticate(String credential, String remoteAddress) {
        return Optional.empty();
    }

    @Override
    public boolean revoke(String deviceId) {
        return devices.remove(deviceId) != null;
    }

    @Override
    public Device setScopes(String deviceId, Set<String> scopes) {
        put(deviceId, scopes);
        return devices.get(deviceId);
    }
}
