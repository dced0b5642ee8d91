package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;
import org.junit.runners.MethodSorters;

/**
 * Discovery end to end inside network namespaces this test makes (root; CI runs as root): the real
 * distribution advertises over mDNS in one namespace, and in the other a client that knows
 * nothing finds it, sees its pairing flag flip, and pairs with owctl; a spoofed advertisement with
 * the host's fingerprint prefix but another key is refused; switching to manual discovery sends
 * goodbyes and pairing works with the connect link; editing the config file switches back; an
 * address that appears and goes is followed; loopback in a fresh namespace carries the advertisement
 * when it is named. Nothing is sent on the machine's real interfaces.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DiscoveryNamespaceIT {

    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(240);

    private static NetworkNamespaces net;
    private static NamespacedHost host;
    private static NamespacedHost.Lines firstProbe;
    private static String hostId;

    @BeforeClass
    public static void startHostInANamespace() throws Exception {
        String unavailable = NetworkNamespaces.unavailableBecause();
        Assume.assumeTrue("skipped: " + unavailable, unavailable == null);
        net = NetworkNamespaces.create();
        host = new NamespacedHost(net, folder.newFolder("scratch").toPath());
        // the browser runs before the host starts, so the time to discovery is measured from the launch
        firstProbe = host.startJava(net.clientNamespace, BrowseProbe.class, "600");
        firstProbe.await("the browse probe to start", Duration.ofSeconds(30), "STARTED");
        long launched = host.start();
        String found = firstProbe.await("the client to resolve the host", Duration.ofSeconds(90), "FOUND");
        String[] parts = found.split(" ");
        hostId = parts[2];
        long resolved = Long.parseLong(parts[1]);
        host.awaitDiscoveryWorking();
        long advertised = DiscoveryBenchmark.responderStart(host.log());
        System.out.printf("discovery: host launch -> resolved with TXT %d ms; mDNS responder start -> resolved %d ms%n",
                resolved - launched, resolved - advertised);
    }

    @AfterClass
    public static void stopEverything() throws Exception {
        if (host != null) {
            host.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private static String openWindowCode() throws Exception {
        HostProcess.Run open = host.admin("pairing-open", "--minutes", "2");
        assertEquals(open.output(), 0, open.exitCode());
        Matcher code = Pattern.compile("Code: +(\\d{4}) (\\d{4})").matcher(open.output());
        assertTrue(open.output(), code.find());
        return code.group(1) + code.group(2);
    }

    private static String connectLink(String output) {
        Matcher link = Pattern.compile("(openwork-host://\\S+)").matcher(output);
        assertTrue(output, link.find());
        return link.group(1).replaceAll("'$", "");
    }

    /** Approves the one pending device once it asks. */
    private static void approveWhenPending() throws Exception {
        String pairingId = Conditions.await("the device to wait for approval", Duration.ofSeconds(60), () -> {
            try {
                Matcher id = Pattern.compile("(pair_\\S+)").matcher(host.admin("pending").output());
                return id.find() ? id.group(1) : null;
            } catch (Exception e) {
                return null;
            }
        });
        HostProcess.Run approve = host.admin("approve", pairingId);
        assertEquals(approve.output(), 0, approve.exitCode());
    }

    private static void pairAndCheck(Path config, String... pairArgs) throws Exception {
        Process pairing = host.startClient(config, pairArgs);
        pairing.getOutputStream().close();
        approveWhenPending();
        assertTrue("owctl pair finishes", pairing.waitFor(60, TimeUnit.SECONDS));
        String output = new String(pairing.getInputStream().readAllBytes());
        assertEquals(output, 0, pairing.exitValue());
        assertTrue(output, output.contains("Paired with"));
        HostProcess.Run status = host.client(config, "status");
        assertEquals(status.output(), 0, status.exitCode());
        assertTrue(status.output(), status.output().contains("OK"));
    }

    @Test
    public void a_aClientThatKnowsNothingFindsTheHostSeesItsPairingFlagAndPairs() throws Exception {
        Path config = folder.newFolder("newcomer").toPath();
        HostProcess.Run discover = host.client(config, "discover", "--timeout", "3");
        assertEquals(discover.output(), 0, discover.exitCode());
        assertTrue(discover.output(), discover.output().contains(net.hostAddress + ":" + NamespacedHost.LAN_PORT)
                && discover.output().contains("pairing closed") && discover.output().contains(hostId));

        String code = openWindowCode();
        firstProbe.await("the pairing flag to flip to 1", Duration.ofSeconds(20), "FOUND", hostId + " 1 ");
        pairAndCheck(config, "pair", "--code", code, "--name", "newcomer");
        // the window closed with the pairing, and the flag follows
        long closedSeen = firstProbe.lines.stream().filter(l -> l.startsWith("FOUND") && l.contains(hostId + " 1 ")).count();
        assertTrue(closedSeen >= 1);
        Conditions.await("the pairing flag to flip back to 0", Duration.ofSeconds(20), () -> {
            List<String> found = firstProbe.lines.stream().filter(l -> l.startsWith("FOUND " )).toList();
            return found.get(found.size() - 1).contains(hostId + " 0 ") ? true : null;
        });
    }

    @Test
    public void b_aSpoofedAdvertisementWithTheRightPrefixButAnotherKeyIsRefused() throws Exception {
        String prefix = firstProbe.lines.stream().filter(l -> l.startsWith("FOUND")).findFirst().orElseThrow().split(" ")[4];
        NamespacedHost.Lines spoof = host.startJava(net.hostNamespace, SpoofedHost.class, net.hostAddress, prefix,
                "0123456789abcdef", "evil-twin");
        spoof.await("the spoofed host to advertise", Duration.ofSeconds(30), "READY");
        Path config = folder.newFolder("victim").toPath();
        HostProcess.Run pair = host.client(config, "pair", "--code", "12345678", "--name", "victim");
        spoof.stop();
        assertEquals(pair.output(), 1, pair.exitCode());
        assertTrue(pair.output(), pair.output().contains("evil-twin") && pair.output().contains("advertised"));
        assertTrue("nothing was stored: " + pair.output(), !Files.exists(config.resolve("hosts.json"))
                || !Files.readString(config.resolve("hosts.json")).contains("0123456789abcdef"));
    }

    @Test
    public void c_switchingToManualSendsGoodbyesAndPairingWorksWithTheConnectLink() throws Exception {
        NamespacedHost.Lines probe = host.startJava(net.clientNamespace, BrowseProbe.class, "120");
        probe.await("the probe to see the host", Duration.ofSeconds(60), "FOUND", hostId);
        long switched = System.currentTimeMillis();
        HostProcess.Run manual = host.admin("discovery", "manual");
        assertEquals(manual.output(), 0, manual.exitCode());
        assertTrue(manual.output(), manual.output().contains("manual (working)"));
        // goodbye records leave at once; a JmDNS browser drops the host at its next cache sweep (every 10 s)
        String lost = probe.await("the browser to drop the host", Duration.ofSeconds(20), "LOST", hostId);
        System.out.printf("discovery: switch to manual -> browser dropped the host %d ms%n",
                Long.parseLong(lost.split(" ")[1]) - switched);
        assertTrue(Files.readString(host.home.resolve("etc/dev.openwork.host.discovery.cfg")).contains("mode = manual"));

        HostProcess.Run nothing = host.client(null, "discover", "--timeout", "2");
        assertEquals(nothing.output(), 1, nothing.exitCode());

        String code = openWindowCode();
        String link = connectLink(host.admin("discovery").output());
        Path config = folder.newFolder("manual").toPath();
        pairAndCheck(config, "pair", link, "--code", code, "--name", "manual-device");
        probe.stop();
    }

    @Test
    public void d_editingTheConfigFileSwitchesBackToMdnsWithoutARestart() throws Exception {
        NamespacedHost.Lines probe = host.startJava(net.clientNamespace, BrowseProbe.class, "120");
        Path file = host.home.resolve("etc/dev.openwork.host.discovery.cfg");
        Files.writeString(file, Files.readString(file).replace("mode = manual", "mode = mdns"));
        probe.await("the host to be advertised again", Duration.ofSeconds(30), "FOUND", hostId);
        HostProcess.Run status = host.admin("discovery");
        assertTrue(status.output(), status.output().contains("mdns (working)"));
        probe.stop();
    }

    @Test
    public void f_anAddressThatComesAndGoesIsFollowed() throws Exception {
        NamespacedHost.Lines probe = host.startJava(net.clientNamespace, BrowseProbe.class, "120");
        probe.await("the probe to see the host", Duration.ofSeconds(60), "FOUND", hostId);
        String extra = net.hostAddress.substring(0, net.hostAddress.lastIndexOf('.')) + ".3";
        String nic = interfaceOf(net.hostNamespace);
        run("ip", "-n", net.hostNamespace, "addr", "add", extra + "/24", "dev", nic);
        probe.await("the new address to be advertised", Duration.ofSeconds(30), "FOUND", hostId, extra);
        run("ip", "-n", net.hostNamespace, "addr", "del", extra + "/24", "dev", nic);
        // an address that is gone cannot carry goodbye records: browsers forget it when its records
        // expire, and the host stops announcing it at once
        Conditions.await("the host to stop announcing the address", Duration.ofSeconds(30), () -> {
            try {
                HostProcess.Run status = host.admin("discovery");
                return status.exitCode() == 0 && !status.output().contains(extra) ? true : null;
            } catch (Exception e) {
                return null;
            }
        });
        probe.stop();
    }

    @Test
    public void e_stoppingTheMdnsBundleSendsGoodbyesAndStartingItAdvertisesAgain() throws Exception {
        NamespacedHost.Lines probe = host.startJava(net.clientNamespace, BrowseProbe.class, "120");
        probe.await("the probe to see the host", Duration.ofSeconds(60), "FOUND", hostId);
        host.console("lb -s dev.openwork.host.discovery.mdns");
        String bundleId = Conditions.await("the console to list the mdns bundle", Duration.ofSeconds(20), () -> {
            Matcher id = Pattern.compile("(\\d+)\\|Active\\s*\\|\\s*\\d+\\|dev\\.openwork\\.host\\.discovery\\.mdns")
                    .matcher(host.consoleOutput());
            return id.find() ? id.group(1) : null;
        });
        host.console("stop " + bundleId);
        probe.await("the browser to drop the host", Duration.ofSeconds(20), "LOST", hostId);
        HostProcess.Run status = host.admin("discovery");
        assertEquals(status.output(), 1, status.exitCode());
        assertTrue(status.output(), status.output().contains("not running"));
        int foundBefore = (int) probe.lines.stream().filter(l -> l.startsWith("FOUND")).count();
        host.console("start " + bundleId);
        Conditions.await("the host to be advertised again", Duration.ofSeconds(30),
                () -> probe.lines.stream().filter(l -> l.startsWith("FOUND")).count() > foundBefore ? true : null);
        probe.stop();
    }

    @Test
    public void g_loopbackInAFreshNamespaceCarriesTheAdvertisementWhenNamed() throws Exception {
        try (NetworkNamespaces loop = NetworkNamespaces.loopback();
                NamespacedHost local = new NamespacedHost(loop, folder.newFolder("loopback").toPath())) {
            NamespacedHost.Lines probe = local.startJava(loop.clientNamespace, BrowseProbe.class, "120", "127.0.0.1");
            probe.await("the probe to start", Duration.ofSeconds(30), "STARTED");
            local.start();
            String found = probe.await("the host to be resolved on loopback", Duration.ofSeconds(60), "FOUND",
                    "127.0.0.1:" + NamespacedHost.LAN_PORT);
            assertEquals(found, 16, found.split(" ")[4].length());
            local.awaitDiscoveryWorking();
            HostProcess.Run status = local.admin("discovery");
            assertTrue(status.output(), status.output().contains("on lo (127.0.0.1)"));
            probe.stop();
        }
    }

    private static String interfaceOf(String namespace) throws Exception {
        Process p = new ProcessBuilder("ip", "-n", namespace, "-o", "link", "show", "type", "veth").start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("\\d+: (\\w+)@").matcher(out);
        assertTrue(out, m.find());
        return m.group(1);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(String.join(" ", command) + ": " + out, p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
    }
}
