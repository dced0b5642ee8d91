package dev.openwork.host.itests;

import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.PairingClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark (run by bench/pairing.sh, not by the test suite): wall time of a full pairing with the
 * real client against a running host on loopback: TLS handshake, both PAKE round trips, the
 * admin's approval call and the result. Prints every run and the percentiles.
 */
public final class PairingBenchmark {

    private PairingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        int lanPort = Integer.parseInt(args[1]);
        Path data = Path.of(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        Http admin = new Http(httpPort, Http.adminCredential(data));
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            String code = admin.post("/v1/pairing/window", "application/json", "{\"minutes\":1}").json().path("code").asText();
            long start = System.nanoTime();
            KnownHost paired = new PairingClient(new HostAddress("127.0.0.1", lanPort), null).pair(
                    new PairingClient.Request(code, "bench " + i, "cli", List.of("status:read")),
                    new PairingClient.Progress() {
                        @Override
                        public void verified(String pairingId, String status) {
                            // the admin approves as soon as the device waits
                            admin.post("/v1/pairing/pending/" + pairingId + "/approve", "application/json", "{\"scopes\":[]}");
                        }
                    });
            double elapsed = (System.nanoTime() - start) / 1e6;
            if (paired.credential() == null) {
                throw new IllegalStateException("pairing " + i + " returned no credential");
            }
            if (i >= warmup) {
                millis.add(elapsed);
                System.out.printf("run %d: %.1f ms%n", i - warmup + 1, elapsed);
            }
        }
        Collections.sort(millis);
        System.out.printf("pairings: %d warm (after %d warm-up); p50 %.1f ms, p90 %.1f ms, max %.1f ms%n", runs, warmup,
                percentile(millis, 50), percentile(millis, 90), millis.get(millis.size() - 1));
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
