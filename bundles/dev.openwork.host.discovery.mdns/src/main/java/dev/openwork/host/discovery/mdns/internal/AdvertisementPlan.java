package dev.openwork.host.discovery.mdns.internal;

import dev.openwork.host.api.identity.LanEndpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where to advertise: every address the TLS listener serves whose interface is up, can multicast
 * and passes the include and exclude lists. One responder per address, because a responder bound
 * to the wildcard address would answer with addresses a client on that link cannot reach.
 *
 * @param targets what to advertise on
 * @param skipped why each other served address is not advertised, in plain words
 */
record AdvertisementPlan(List<Target> targets, List<String> skipped) {

    /** One address to advertise, on its interface. */
    record Target(String interfaceName, InetAddress address, int port) {
        String describe() {
            return interfaceName + " (" + address.getHostAddress() + ")";
        }
    }

    AdvertisementPlan {
        targets = List.copyOf(targets);
        skipped = List.copyOf(skipped);
    }

    static AdvertisementPlan plan(MdnsSettings settings, List<InterfaceView> interfaces, List<LanEndpoint> endpoints) {
        List<Target> targets = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (LanEndpoint endpoint : endpoints) {
            InetAddress address;
            try {
                address = InetAddress.getByName(endpoint.address()); // a literal: never a DNS lookup
            } catch (UnknownHostException e) {
                skipped.add(endpoint.address() + ": not an IP address");
                continue;
            }
            InterfaceView nic = interfaces.stream().filter(i -> i.addresses().contains(address)).findFirst().orElse(null);
            String reason = nic == null ? "no interface has this address now" : unsuitable(settings, nic);
            if (reason == null) {
                targets.add(new Target(nic.name(), address, endpoint.port()));
            } else {
                skipped.add((nic == null ? "" : nic.name() + " ") + "(" + address.getHostAddress() + "): " + reason);
            }
        }
        return new AdvertisementPlan(targets, skipped);
    }

    private static String unsuitable(MdnsSettings settings, InterfaceView nic) {
        if (settings.exclude().stream().anyMatch(p -> MdnsSettings.matches(p, nic.name()))) {
            return "excluded by interfaces.exclude";
        }
        boolean included = settings.include().stream().anyMatch(p -> MdnsSettings.matches(p, nic.name()));
        if (!settings.include().isEmpty() && !included) {
            return "not in interfaces.include";
        }
        if (!nic.up()) {
            return "the interface is down";
        }
        if (nic.loopback() && !included) {
            return "loopback (name it in interfaces.include to advertise on it)";
        }
        if (!nic.multicast()) {
            return "the interface cannot multicast";
        }
        return null;
    }
}
