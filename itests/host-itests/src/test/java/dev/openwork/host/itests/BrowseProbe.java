package dev.openwork.host.itests;

import dev.openwork.host.client.DiscoveredHost;
import dev.openwork.host.client.HostBrowser;
import java.time.Duration;

/**
 * A browser for tests and benchmarks, run as its own process inside a client namespace: prints
 * {@code STARTED <epoch ms>}, then {@code FOUND <epoch ms> <host id> <pair 0|1> <fp prefix> <addresses>}
 * and {@code LOST <epoch ms> <host id>} as hosts come and go, until its timeout (seconds, first
 * argument) or until its standard input closes. An optional second argument names the local
 * addresses to browse on (comma-separated), e.g. {@code 127.0.0.1} for loopback in a namespace.
 */
public final class BrowseProbe {

    private BrowseProbe() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        System.out.println("STARTED " + System.currentTimeMillis());
        java.util.List<java.net.InetAddress> local = new java.util.ArrayList<>();
        if (args.length > 1) {
            for (String address : args[1].split(",")) {
                local.add(java.net.InetAddress.getByName(address.strip()));
            }
        }
        try (HostBrowser browser = local.isEmpty() ? HostBrowser.start() : HostBrowser.start(local)) {
            browser.addListener(new HostBrowser.Listener() {
                @Override
                public void found(DiscoveredHost host) {
                    System.out.println("FOUND " + System.currentTimeMillis() + " " + host.hostId() + " "
                            + (host.pairingOpen() ? 1 : 0) + " " + host.fingerprintPrefix() + " "
                            + host.addresses().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(",")));
                }

                @Override
                public void lost(DiscoveredHost host) {
                    System.out.println("LOST " + System.currentTimeMillis() + " " + host.hostId());
                }
            });
            Thread stdinWatcher = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // the test keeps stdin open while it wants the probe
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
                System.exit(0);
            });
            stdinWatcher.setDaemon(true);
            stdinWatcher.start();
            browser.await(Duration.ofSeconds(seconds), hosts -> false);
        }
        System.exit(0);
    }
}
