package dev.openwork.host.client;

import dev.openwork.host.api.discovery.ServiceRecords;
import dev.openwork.host.client.internal.Hex;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

/**
 * Finds OpenWork hosts on the LAN: browses {@code _openwork._tcp} with one mDNS responder per local
 * address (a responder bound to one interface would miss hosts on the others), resolves each
 * instance and merges what all interfaces saw into one {@link DiscoveredHost} per host id.
 * Resolutions with an empty or incomplete TXT record (JmDNS reports those first) and duplicates are
 * tolerated; a host that sends goodbye records disappears at once.
 */
public final class HostBrowser implements AutoCloseable {

    /** Told when the list of hosts changes. */
    public interface Listener {
        /** A host appeared or changed (e.g. its pairing flag). */
        void found(DiscoveredHost host);

        /** A host said goodbye or its records expired. */
        void lost(DiscoveredHost host);
    }

    private record Sighting(String responder, String instanceName, String hostId, String fingerprintPrefix,
            boolean pairingOpen, String apiVersion, List<InetAddress> addresses, int port) {
    }

    private final List<JmDNS> responders = new ArrayList<>();
    /** By responder and instance name: what each interface saw last. */
    private final Map<String, Sighting> sightings = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    private HostBrowser() {
    }

    /**
     * Starts browsing on every local address that can multicast (see {@link #browsableAddresses()}).
     *
     * @throws HostClientException when there is no such address or no responder could start
     */
    public static HostBrowser start() {
        return start(browsableAddresses());
    }

    /** Starts browsing on the given local addresses. */
    public static HostBrowser start(List<InetAddress> localAddresses) {
        if (localAddresses.isEmpty()) {
            throw new HostClientException(HostClientException.Kind.UNREACHABLE,
                    "This machine has no network interface that can multicast, so hosts cannot be discovered.",
                    "Connect to the host's network, or pair with the address or connect link the host shows.");
        }
        HostBrowser browser = new HostBrowser();
        List<String> failures = new ArrayList<>();
        for (InetAddress address : localAddresses) {
            try {
                // named, because without a name JmDNS looks the machine's name up and stalls without DNS
                JmDNS jmdns = JmDNS.create(address, "owctl-" + Long.toHexString(Double.doubleToLongBits(Math.random())));
                String responder = address.getHostAddress();
                jmdns.addServiceListener(ServiceRecords.SERVICE_TYPE, browser.listenerFor(jmdns, responder));
                browser.responders.add(jmdns);
            } catch (IOException | RuntimeException e) {
                failures.add(address.getHostAddress() + ": " + e.getMessage());
            }
        }
        if (browser.responders.isEmpty()) {
            throw new HostClientException(HostClientException.Kind.UNREACHABLE,
                    "mDNS could not start on any interface (" + String.join("; ", failures) + ").",
                    "Check that UDP port 5353 is usable, or pair with the address or connect link the host shows.");
        }
        return browser;
    }

    /** Local addresses that are up, can multicast and are not loopback or link-local IPv6. */
    public static List<InetAddress> browsableAddresses() {
        List<InetAddress> result = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                try {
                    if (!nic.isUp() || nic.isLoopback() || !nic.supportsMulticast()) {
                        continue;
                    }
                } catch (SocketException e) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address || !address.isLinkLocalAddress()) {
                        result.add(address);
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return result;
    }

    /** Calls {@code listener} for every host found from now on (and those found already). */
    public void addListener(Listener listener) {
        listeners.add(listener);
        hosts().forEach(listener::found);
    }

    private ServiceListener listenerFor(JmDNS jmdns, String responder) {
        return new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
                // resolve without blocking JmDNS's thread; the answer arrives as serviceResolved
                jmdns.requestServiceInfo(event.getType(), event.getName());
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
                forget(responder, event.getName());
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
                seen(responder, event.getInfo());
            }
        };
    }

    private void seen(String responder, ServiceInfo info) {
        Sighting sighting = sighting(responder, info);
        if (sighting == null) {
            return; // an empty or partial TXT record: a complete resolution follows
        }
        DiscoveredHost before;
        DiscoveredHost after;
        synchronized (lock) {
            before = host(sighting.hostId());
            sightings.put(responder + "\n" + sighting.instanceName(), sighting);
            after = host(sighting.hostId());
        }
        if (after != null && !after.equals(before)) {
            listeners.forEach(listener -> listener.found(after));
        }
    }

    private void forget(String responder, String instanceName) {
        DiscoveredHost lost = null;
        DiscoveredHost remaining = null;
        synchronized (lock) {
            Sighting gone = sightings.remove(responder + "\n" + instanceName);
            if (gone != null) {
                remaining = host(gone.hostId());
                if (remaining == null) {
                    lost = new DiscoveredHost(gone.instanceName(), gone.hostId(), gone.fingerprintPrefix(), gone.pairingOpen(),
                            gone.apiVersion(), addresses(List.of(gone)));
                }
            }
        }
        if (lost != null) {
            DiscoveredHost host = lost;
            listeners.forEach(listener -> listener.lost(host));
        } else if (remaining != null) {
            DiscoveredHost host = remaining;
            listeners.forEach(listener -> listener.found(host));
        }
    }

    /** Reads one resolution; {@code null} when its TXT record lacks what a client needs. */
    static Sighting sighting(String responder, ServiceInfo info) {
        if (info == null || info.getPort() <= 0) {
            return null;
        }
        String id = info.getPropertyString(ServiceRecords.HOST_ID);
        String fp = info.getPropertyString(ServiceRecords.FINGERPRINT);
        if (id == null || fp == null || !Hex.isHex(id, id.length()) || id.isEmpty() || id.length() > 64
                || fp.length() < ServiceRecords.FINGERPRINT_PREFIX_LENGTH || fp.length() > 64 || !Hex.isHex(fp, fp.length())) {
            return null;
        }
        List<InetAddress> addresses = new ArrayList<>();
        Collections.addAll(addresses, info.getInet4Addresses());
        Collections.addAll(addresses, info.getInet6Addresses());
        if (addresses.isEmpty()) {
            return null;
        }
        String api = info.getPropertyString(ServiceRecords.API);
        return new Sighting(responder, info.getName(), id.toLowerCase(Locale.ROOT), fp.toLowerCase(Locale.ROOT),
                "1".equals(info.getPropertyString(ServiceRecords.PAIRING)), api == null ? "" : api, addresses, info.getPort());
    }

    /** One host from all its sightings, or {@code null} when none is left. */
    private DiscoveredHost host(String hostId) {
        List<Sighting> all = sightings.values().stream().filter(s -> s.hostId().equals(hostId)).toList();
        if (all.isEmpty()) {
            return null;
        }
        Sighting newest = all.get(all.size() - 1);
        boolean pairingOpen = all.stream().anyMatch(Sighting::pairingOpen);
        return new DiscoveredHost(newest.instanceName(), hostId, newest.fingerprintPrefix(), pairingOpen, newest.apiVersion(),
                addresses(all));
    }

    private static List<HostAddress> addresses(List<Sighting> sightings) {
        Set<HostAddress> result = new LinkedHashSet<>();
        sightings.stream()
                .flatMap(s -> s.addresses().stream().filter(a -> !a.isLinkLocalAddress() && !a.isLoopbackAddress())
                        .map(a -> Map.entry(a, s.port())))
                .sorted(Comparator.comparing(e -> e.getKey() instanceof Inet6Address))
                .forEach(e -> result.add(new HostAddress(e.getKey().getHostAddress(), e.getValue())));
        if (result.isEmpty()) {
            sightings.forEach(s -> s.addresses().forEach(a -> result.add(new HostAddress(a.getHostAddress(), s.port()))));
        }
        return new ArrayList<>(result);
    }

    /** The hosts known now, one per host id, by name. */
    public List<DiscoveredHost> hosts() {
        Map<String, DiscoveredHost> byId = new LinkedHashMap<>();
        synchronized (lock) {
            for (Sighting sighting : sightings.values()) {
                byId.computeIfAbsent(sighting.hostId(), this::host);
            }
        }
        List<DiscoveredHost> result = new ArrayList<>(byId.values());
        result.sort(Comparator.comparing(DiscoveredHost::instanceName).thenComparing(DiscoveredHost::hostId));
        return result;
    }

    /**
     * Waits up to {@code timeout} for hosts and returns what was found; returns early, after a
     * short grace for other hosts, once {@code enough} is satisfied.
     */
    public List<DiscoveredHost> await(Duration timeout, java.util.function.Predicate<List<DiscoveredHost>> enough)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object changed = new Object();
        Listener wake = new Listener() {
            @Override
            public void found(DiscoveredHost host) {
                synchronized (changed) {
                    changed.notifyAll();
                }
            }

            @Override
            public void lost(DiscoveredHost host) {
                found(host);
            }
        };
        listeners.add(wake);
        try {
            synchronized (changed) {
                while (!enough.test(hosts())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return hosts();
                    }
                    changed.wait(Math.max(1, left / 1_000_000));
                }
            }
            return hosts();
        } finally {
            listeners.remove(wake);
        }
    }

    @Override
    public void close() {
        for (JmDNS jmdns : responders) {
            try {
                jmdns.close();
            } catch (IOException | RuntimeException e) {
                // closing: nothing left to do with it
            }
        }
        responders.clear();
    }
}
