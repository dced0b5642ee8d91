package dev.openwork.host.discovery.mdns.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.identity.LanEndpoint;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class AdvertisementPlanTest {

    private static InterfaceView nic(String name, boolean up, boolean loopback, boolean multicast, String... addresses)
            throws Exception {
        List<InetAddress> list = new java.util.ArrayList<>();
        for (String address : addresses) {
            list.add(InetAddress.getByName(address));
        }
        return new InterfaceView(name, up, loopback, multicast, list);
    }

    private static final MdnsSettings DEFAULTS = MdnsSettings.from(Map.of());

    @Test
    public void advertisesEachServedAddressOnItsOwnInterface() throws Exception {
        List<InterfaceView> nics = List.of(nic("eth0", true, false, true, "192.168.1.20"),
                nic("wlan0", true, false, true, "10.0.0.5", "fd00::5"));
        AdvertisementPlan plan = AdvertisementPlan.plan(DEFAULTS, nics, List.of(new LanEndpoint("192.168.1.20", 4748),
                new LanEndpoint("10.0.0.5", 4748), new LanEndpoint("fd00:0:0:0:0:0:0:5", 4748)));
        assertEquals(3, plan.targets().size());
        assertEquals("eth0", plan.targets().get(0).interfaceName());
        assertEquals("wlan0", plan.targets().get(2).interfaceName());
        assertTrue(plan.skipped().isEmpty());
    }

    @Test
    public void skipsWhatCannotCarryMulticastAndSaysWhy() throws Exception {
        List<InterfaceView> nics = List.of(nic("lo", true, true, false, "127.0.0.1"), nic("tun0", true, false, false, "10.8.0.2"),
                nic("eth1", false, false, true, "192.168.2.2"), nic("docker0", true, false, true, "172.17.0.1"));
        AdvertisementPlan plan = AdvertisementPlan.plan(DEFAULTS, nics, List.of(new LanEndpoint("127.0.0.1", 1),
                new LanEndpoint("10.8.0.2", 1), new LanEndpoint("192.168.2.2", 1), new LanEndpoint("172.17.0.1", 1),
                new LanEndpoint("192.168.9.9", 1)));
        assertTrue(plan.targets().isEmpty());
        assertEquals(List.of("lo (127.0.0.1): loopback (name it in interfaces.include to advertise on it)",
                "tun0 (10.8.0.2): the interface cannot multicast", "eth1 (192.168.2.2): the interface is down",
                "docker0 (172.17.0.1): excluded by interfaces.exclude", "(192.168.9.9): no interface has this address now"),
                plan.skipped());
    }

    @Test
    public void includeAndExcludeListsUseWildcardsAndExcludeWins() throws Exception {
        MdnsSettings settings = MdnsSettings.from(Map.of("interfaces.include", "wl*, eth0", "interfaces.exclude",
                new String[] {"wlan1"}));
        List<InterfaceView> nics = List.of(nic("eth0", true, false, true, "192.168.1.20"),
                nic("eth1", true, false, true, "192.168.2.20"), nic("wlan0", true, false, true, "10.0.0.5"),
                nic("wlan1", true, false, true, "10.0.1.5"));
        AdvertisementPlan plan = AdvertisementPlan.plan(settings, nics, List.of(new LanEndpoint("192.168.1.20", 1),
                new LanEndpoint("192.168.2.20", 1), new LanEndpoint("10.0.0.5", 1), new LanEndpoint("10.0.1.5", 1)));
        assertEquals(List.of("eth0", "wlan0"), plan.targets().stream().map(AdvertisementPlan.Target::interfaceName).toList());
        assertEquals(List.of("eth1 (192.168.2.20): not in interfaces.include",
                "wlan1 (10.0.1.5): excluded by interfaces.exclude"), plan.skipped());
    }

    @Test
    public void loopbackIsAdvertisedOnlyWhenNamedAndMulticastCapable() throws Exception {
        MdnsSettings settings = MdnsSettings.from(Map.of("interfaces.include", "lo"));
        AdvertisementPlan plan = AdvertisementPlan.plan(settings, List.of(nic("lo", true, true, true, "127.0.0.1")),
                List.of(new LanEndpoint("127.0.0.1", 4748)));
        assertEquals(1, plan.targets().size());
    }

    @Test
    public void badSettingsAreReportedAndReplacedByDefaults() {
        MdnsSettings settings = MdnsSettings.from(Map.of("rescanSeconds", "0", "instanceName", "a.b",
                "interfaces.include", "eth0, bad name!"));
        assertEquals(MdnsSettings.DEFAULT_RESCAN_SECONDS, settings.rescanSeconds());
        assertEquals("", settings.instanceName());
        assertEquals(List.of("eth0"), settings.include());
        assertEquals(3, settings.problems().size());
    }
}
