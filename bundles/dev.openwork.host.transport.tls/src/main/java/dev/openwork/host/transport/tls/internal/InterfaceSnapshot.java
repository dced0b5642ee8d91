package dev.openwork.host.transport.tls.internal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One network interface as seen at one moment. {@link LanAddresses} works on these rather than on
 * {@link NetworkInterface} so that its rules can be tested with any network layout.
 *
 * @param name      interface name, e.g. {@code eth0}
 * @param up        whether it is up
 * @param loopback  whether it is a loopback interface
 * @param addresses its addresses
 */
record InterfaceSnapshot(String name, boolean up, boolean loopback, List<InetAddress> addresses) {

    InterfaceSnapshot {
        addresses = List.copyOf(addresses);
    }

    /** The machine's interfaces now. */
    static List<InterfaceSnapshot> current() throws SocketException {
        List<InterfaceSnapshot> result = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            boolean up;
            boolean loopback;
            try {
                up = nic.isUp();
                loopback = nic.isLoopback();
            } catch (SocketException e) {
                continue; // the interface went away while we looked
            }
            result.add(new InterfaceSnapshot(nic.getName(), up, loopback, Collections.list(nic.getInetAddresses())));
        }
        return result;
    }
}
