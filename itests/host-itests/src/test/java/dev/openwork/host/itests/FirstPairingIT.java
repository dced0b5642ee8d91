package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.HostClient;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.PairingClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * First-time pairing as people do it: for each of N fresh clients (10 in short mode, 100 in long
 * mode) the admin opens a window, the user reads the code the host shows and types it, sometimes
 * wrongly; after a wrong code the host shows a new one, which the user reads again; the admin
 * approves the device when it asks. The figure is the share of users whose first correctly typed
 * code paired (target 100%). The user model (seeded): 60% type it right at once, 25% make one
 * typo, 10% two, 5% three; a typo is one wrong digit (70%) or two neighbours swapped (30%); one
 * typo in twenty drops a digit, which the client refuses before sending.
 */
public class FirstPairingIT {

    private static final String SUITE = "first-time pairing";
    private static final long SEED = 42L;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(Proof.deadlineSeconds(240, 1200));

    private HostProcess host;

    @After
    public void stop() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    @Test
    public void everyUserPairsWithTheFirstCorrectlyTypedCode() throws Exception {
        int users = Proof.size("pairing.users", 10, 100);
        host = new HostProcess(folder.newFolder("data").toPath()).withOwnHome(Map.of()).start();
        Http admin = host.admin().http();
        Random model = new Random(SEED);
        int pairedOnFirstCorrectCode = 0;
        int wrongCodesRefused = 0;
        int typosCaughtByTheClient = 0;
        List<Double> millis = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            Http.Answer window = admin.post("/v1/pairing/window", "application/json", "{\"minutes\":5}");
            assertEquals(window.body(), 200, window.status());
            String link = window.json().path("connectLink").asText();
            String fingerprint = link.substring(link.indexOf("fp=") + 3, link.indexOf('&', link.indexOf("fp=")));
            int typos = typosOf(model.nextInt(100));
            long started = System.nanoTime();
            for (int t = 0; t < typos; t++) {
                String shown = admin.get("/v1/pairing/window").json().path("code").asText();
                String typed = typo(shown, model);
                try {
                    client(fingerprint).pair(new PairingClient.Request(typed, "user " + user, "ios", List.of("status:read")), null);
                    problems.add("user " + user + ": the typo " + typed + " of " + shown + " paired");
                } catch (HostClientException e) {
                    if (e.kind() == HostClientException.Kind.INVALID_INPUT) {
                        typosCaughtByTheClient++;
                        continue;
                    }
                    if (e.kind() != HostClientException.Kind.WRONG_CODE) {
                        problems.add("user " + user + ": a typo failed as " + e.kind() + ": " + e.getMessage());
                        continue;
                    }
                    wrongCodesRefused++;
                    String next = admin.get("/v1/pairing/window").json().path("code").asText();
                    assertNotEquals("the host shows a new code after a wrong one", shown, next);
                }
            }
            String code = admin.get("/v1/pairing/window").json().path("code").asText();
            String deviceName = "user " + user;
            try {
                KnownHost paired = client(fingerprint).pair(new PairingClient.Request(code, deviceName, "ios",
                        List.of("status:read")), new PairingClient.Progress() {
                            @Override
                            public void verified(String pairingId, String status) {
                                // the admin approves as soon as the device asks
                                admin.post("/v1/pairing/pending/" + pairingId + "/approve", "application/json", "{\"scopes\":[]}");
                            }
                        });
                millis.add((System.nanoTime() - started) / 1e6);
                HostClient.of(paired).health();
                pairedOnFirstCorrectCode++;
            } catch (HostClientException e) {
                problems.add("user " + user + ": the correct code failed: " + e.kind() + " " + e.getMessage());
            }
        }
        int lifetimeFailures = admin.get("/v1/pairing/caps").json().path("failuresLifetime").asInt();
        int devices = admin.get("/v1/devices").json().size();
        Collections.sort(millis);
        Proof.figure(SUITE, "users (fresh clients)", users, "");
        Proof.figure(SUITE, "paired on the first correctly typed code", String.format(java.util.Locale.ROOT, "%d/%d (%.0f%%)",
                pairedOnFirstCorrectCode, users, 100.0 * pairedOnFirstCorrectCode / users), "100%");
        Proof.figure(SUITE, "wrong codes refused by the host (each replaced the code)", wrongCodesRefused, "");
        Proof.figure(SUITE, "typos refused by the client before sending (too short)", typosCaughtByTheClient, "");
        Proof.figure(SUITE, "failures counted toward the lifetime cap of 100", lifetimeFailures, "");
        Proof.figure(SUITE, "wall time per user, typos included (p50, p90)", String.format(java.util.Locale.ROOT,
                "%.0f ms, %.0f ms", Proof.percentile(millis, 50), Proof.percentile(millis, 90)), "");
        assertTrue(String.join("\n", problems), problems.isEmpty());
        assertEquals(users, pairedOnFirstCorrectCode);
        assertEquals(users, devices);
    }

    private PairingClient client(String fingerprint) {
        return new PairingClient(new HostAddress("127.0.0.1", host.lanPort), fingerprint).resultWaitSeconds(5);
    }

    private static int typosOf(int percentile) {
        return percentile < 60 ? 0 : percentile < 85 ? 1 : percentile < 95 ? 2 : 3;
    }

    /** What a person might type instead of {@code code}: never the code itself. */
    static String typo(String code, Random model) {
        char[] digits = code.toCharArray();
        if (model.nextInt(20) == 0) {
            int drop = model.nextInt(digits.length);
            return code.substring(0, drop) + code.substring(drop + 1);
        }
        if (model.nextInt(10) < 3) {
            for (int attempt = 0; attempt < 8; attempt++) {
                int at = model.nextInt(digits.length - 1);
                if (digits[at] != digits[at + 1]) {
                    char swap = digits[at];
                    digits[at] = digits[at + 1];
                    digits[at + 1] = swap;
                    return new String(digits);
                }
            }
        }
        int at = model.nextInt(digits.length);
        digits[at] = (char) ('0' + (digits[at] - '0' + 1 + model.nextInt(9)) % 10);
        return new String(digits);
    }
}
