package dev.openwork.host.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces made for one test, joined by a veth pair: the host's ({@code 10.77.N.1})
 * and the client's ({@code 10.77.N.2}), each with loopback up and a multicast route on its veth.
 * Multicast never reaches the machine's real interfaces. Needs root and iproute2 ({@code ip}).
 */
final class NetworkNamespaces implements AutoCloseable {

    final String hostNamespace;
    final String clientNamespace;
    final String hostAddress;
    final String clientAddress;

    private NetworkNamespaces(String tag, int subnet) {
        this.hostNamespace = "owt-" + tag + "-h";
        this.clientNamespace = "owt-" + tag + "-c";
        this.hostAddress = "10.77." + subnet + ".1";
        this.clientAddress = "10.77." + subnet + ".2";
    }

    private NetworkNamespaces(String namespace) {
        this.hostNamespace = namespace;
        this.clientNamespace = namespace;
        this.hostAddress = "127.0.0.1";
        this.clientAddress = "127.0.0.1";
    }

    /** Whether host and client share one namespace and talk over its loopback. */
    boolean loopbackOnly() {
        return hostNamespace.equals(clientNamespace);
    }

    /**
     * One fresh namespace whose loopback carries multicast: host and client both live in it. Even
     * multicast on loopback never leaves it.
     */
    static NetworkNamespaces loopback() throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        NetworkNamespaces n = new NetworkNamespaces("owt-" + pid % 100_000 + (System.nanoTime() % 100) + "-l");
        try {
            n.ip("netns", "add", n.hostNamespace);
            n.ip("-n", n.hostNamespace, "link", "set", "lo", "up");
            n.ip("-n", n.hostNamespace, "link", "set", "lo", "multicast", "on");
            n.ip("-n", n.hostNamespace, "route", "add", "224.0.0.0/4", "dev", "lo");
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** Whether this machine lets a test make namespaces (root and iproute2), with the reason when not. */
    static String unavailableBecause() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!"0".equals(uid)) {
                return "network namespaces need root (uid is " + uid + "); CI runs as root";
            }
            if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                    && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
                return "iproute2 (ip) is not installed";
            }
            return null;
        } catch (IOException e) {
            return "cannot run id -u: " + e.getMessage();
        }
    }

    static NetworkNamespaces create() throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        String tag = Long.toString(pid % 100_000) + Integer.toString((int) (System.nanoTime() % 100));
        NetworkNamespaces n = new NetworkNamespaces(tag, (int) (pid % 250) + 1);
        String hostIf = "oh" + tag;
        String clientIf = "oc" + tag;
        try {
            n.ip("netns", "add", n.hostNamespace);
            n.ip("netns", "add", n.clientNamespace);
            n.ip("link", "add", hostIf, "type", "veth", "peer", "name", clientIf);
            n.ip("link", "set", hostIf, "netns", n.hostNamespace);
            n.ip("link", "set", clientIf, "netns", n.clientNamespace);
            n.ip("-n", n.hostNamespace, "addr", "add", n.hostAddress + "/24", "dev", hostIf);
            n.ip("-n", n.clientNamespace, "addr", "add", n.clientAddress + "/24", "dev", clientIf);
            for (String[] side : new String[][] {{n.hostNamespace, hostIf}, {n.clientNamespace, clientIf}}) {
                n.ip("-n", side[0], "link", "set", "lo", "up");
                n.ip("-n", side[0], "link", "set", side[1], "up");
                n.ip("-n", side[0], "route", "add", "224.0.0.0/4", "dev", side[1]);
            }
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** {@code command} run inside {@code namespace}. */
    static List<String> in(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    private void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.trim());
        }
    }

    @Override
    public void close() {
        for (String namespace : new java.util.LinkedHashSet<>(List.of(hostNamespace, clientNamespace))) {
            try {
                ip("netns", "del", namespace); // takes its end of the veth pair, and so the pair, with it
            } catch (IOException | InterruptedException e) {
                // not created, or already gone
            }
        }
    }
}
