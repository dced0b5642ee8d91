package dev.openwork.host.discovery.mdns.internal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One network interface as seen at one moment, so that {@link AdvertisementPlan} can be tested with
 * any layout of interfaces.
 *
 * @param name      e.g. {@code eth0}
 * @param up        whether it is up
 * @param loopback  whether it is a loopback interface
 * @param multicast whether it can send and receive multicast
 * @param addresses its addresses
 */
record InterfaceView(String name, boolean up, boolean loopback, boolean multicast, List<InetAddress> addresses) {

    InterfaceView {
        addresses = List.copyOf(addresses);
    }

    /** The machine's interfaces now. */
    static List<InterfaceView> current() throws SocketException {
        List<InterfaceView> result = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            try {
                result.add(new InterfaceView(nic.getName(), nic.isUp(), nic.isLoopback(), nic.supportsMulticast(),
                        Collections.list(nic.getInetAddresses())));
            } catch (SocketException e) {
                // the interface went away while we looked at it: the next scan sees the new layout
            }
        }
        return result;
    }
}
