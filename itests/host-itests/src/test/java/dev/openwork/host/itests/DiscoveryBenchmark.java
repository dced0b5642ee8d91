package dev.openwork.host.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast a client finds the host over mDNS, inside network namespaces made for the run (root):
 * from the host's launch and from its mDNS responder's start to the client resolving it with its TXT
 * record, and from a client's browse start to the resolution when the host already runs. Prints
 * each round and the medians. Run by bench/discovery.sh.
 */
public final class DiscoveryBenchmark {

    private DiscoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String unavailable = NetworkNamespaces.unavailableBecause();
        if (unavailable != null) {
            throw new IllegalStateException("cannot run: " + unavailable);
        }
        List<Long> fromLaunch = new ArrayList<>();
        List<Long> fromResponder = new ArrayList<>();
        List<Long> fromBrowse = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Path scratch = Files.createTempDirectory("openwork-discovery-bench-");
            try (NetworkNamespaces net = NetworkNamespaces.create(); NamespacedHost host = new NamespacedHost(net, scratch)) {
                NamespacedHost.Lines waiting = host.startJava(net.clientNamespace, BrowseProbe.class, "120");
                waiting.await("the probe to start", Duration.ofSeconds(30), "STARTED");
                long launched = host.start();
                long found = Long.parseLong(waiting.await("the host to be resolved", Duration.ofSeconds(60), "FOUND")
                        .split(" ")[1]);
                host.awaitDiscoveryWorking();
                long responder = responderStart(host.log());
                NamespacedHost.Lines browsing = host.startJava(net.clientNamespace, BrowseProbe.class, "60");
                long started = Long.parseLong(browsing.await("the probe to start", Duration.ofSeconds(30), "STARTED")
                        .split(" ")[1]);
                long resolved = Long.parseLong(browsing.await("the host to be resolved", Duration.ofSeconds(30), "FOUND")
                        .split(" ")[1]);
                fromLaunch.add(found - launched);
                fromResponder.add(found - responder);
                fromBrowse.add(resolved - started);
                System.out.printf("round %d: launch -> resolved %d ms, responder start -> resolved %d ms, "
                        + "browse start -> resolved %d ms%n", round, found - launched, found - responder, resolved - started);
                waiting.stop();
                browsing.stop();
            } finally {
                new ProcessBuilder("rm", "-rf", scratch.toString()).start().waitFor();
            }
        }
        System.out.printf("median of %d rounds: launch -> resolved %d ms (%s), responder start -> resolved %d ms (%s), "
                + "browse start -> resolved %d ms (%s)%n", rounds, median(fromLaunch), spread(fromLaunch),
                median(fromResponder), spread(fromResponder), median(fromBrowse), spread(fromBrowse));
        System.exit(0);
    }

    static long responderStart(String log) {
        Matcher m = Pattern.compile("(\\S+) \\[openwork-mdns\\] INFO \\S+ - Starting an mDNS responder").matcher(log);
        if (!m.find()) {
            throw new IllegalStateException("the host never logged that it advertises");
        }
        return OffsetDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toInstant()
                .toEpochMilli();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String spread(List<Long> values) {
        return Collections.min(values) + "-" + Collections.max(values);
    }
}
