package dev.openwork.host.pairing.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A seeded fuzz run over the PAKE messages: every mutated start and confirmation is refused with a
 * typed {@link HostException} (a 4xx on the wire), never another exception, and never pairs.
 */
public class PairingFuzzTest {

    private static final long SEED = 20261125L;
    /** 1,000 in every build; bench/proof.sh long runs 100,000 ({@code -Dopenwork.fuzz.pake.inputs}). */
    private static final int INPUTS = Integer.getInteger("openwork.fuzz.pake.inputs", 1_000);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void mutatedPakeMessagesAreAlwaysRefusedWithTheTypedError() throws Exception {
        Random random = new Random(SEED);
        PairingCoordinator coordinator = new PairingCoordinator(new PairingCoordinator.HostFacts() {
            @Override
            public String hostId() {
                return "fuzzhost";
            }

            @Override
            public String hostName() {
                return "fuzz.local";
            }

            @Override
            public String spkiSha256() {
                return "ab".repeat(32);
            }

            @Override
            public List<String> authorities() {
                return List.of();
            }
        }, new NoRegistry(), new LifetimeFailures(folder.getRoot().toPath().resolve("failures")), Clock.systemUTC(),
                new SecureRandom());
        int refused = 0;
        for (int i = 0; i < INPUTS; i++) {
            coordinator.resetCaps();
            String code = coordinator.open(Duration.ofMinutes(5), Set.of(), null).code();
            PakeTestClient client = new PakeTestClient(code, "fuzz");
            boolean mutateStart = random.nextBoolean();
            try {
                PairingStartRequest start = mutateStart ? mutate(client.startRequest, random) : client.startRequest;
                PairingStartResponse response = coordinator.start(start, "fuzz");
                PairingConfirmRequest confirm = client.confirm(response, "ab".repeat(32));
                coordinator.confirm(new PairingConfirmRequest(confirm.pairingId(), mutate(confirm.round2(), random),
                        random.nextInt(4) == 0 ? mutateText(confirm.clientMac(), random) : confirm.clientMac()));
            } catch (HostException expected) {
                refused++;
                assertTrue(expected.getMessage(), expected.action() != null);
            } catch (org.bouncycastle.crypto.CryptoException | IllegalStateException clientSide) {
                // the test's own client rejected the host's answer to a mutated start: nothing to check
                refused++;
            }
            coordinator.close();
        }
        assertEquals("every mutated exchange was refused", INPUTS, refused);
        System.out.println("FIGURE PAKE fuzzing (no HTTP, seed " + SEED + "): " + INPUTS + " mutated exchanges, "
                + refused + " refused with the typed error, 0 other exceptions");
    }

    private static PairingStartRequest mutate(PairingStartRequest r, Random random) {
        PakeRound1 p = r.round1();
        return switch (random.nextInt(6)) {
            case 0 -> new PairingStartRequest(mutateText(r.clientId(), random), r.deviceName(), r.platform(), r.requestedScopes(), r.clientKey(), p);
            case 1 -> new PairingStartRequest(r.clientId(), r.deviceName(), r.platform(), r.requestedScopes(), mutateText(r.clientKey(), random), p);
            case 2 -> new PairingStartRequest(r.clientId(), r.deviceName(), r.platform(), r.requestedScopes(), r.clientKey(),
                    new PakeRound1(p.participantId(), mutateText(p.gx1(), random), p.gx2(), p.zkpX1(), p.zkpX2()));
            case 3 -> new PairingStartRequest(r.clientId(), r.deviceName(), r.platform(), r.requestedScopes(), r.clientKey(),
                    new PakeRound1(p.participantId(), p.gx1(), p.gx2(), mutate(p.zkpX1(), random), p.zkpX2()));
            case 4 -> new PairingStartRequest(r.clientId(), r.deviceName(), r.platform(), r.requestedScopes(), r.clientKey(),
                    new PakeRound1(mutateText(p.participantId(), random), p.gx1(), p.gx2(), p.zkpX1(), p.zkpX2()));
            default -> new PairingStartRequest(r.clientId(), r.deviceName(), r.platform(), r.requestedScopes(), r.clientKey(),
                    new PakeRound1(p.participantId(), p.gx1(), p.gx2(), p.zkpX1(), mutate(p.zkpX2(), random)));
        };
    }

    private static PakeRound2 mutate(PakeRound2 r, Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> new PakeRound2(mutateText(r.participantId(), random), r.a(), r.zkpX2s());
            case 1 -> new PakeRound2(r.participantId(), mutateText(r.a(), random), r.zkpX2s());
            default -> new PakeRound2(r.participantId(), r.a(), mutate(r.zkpX2s(), random));
        };
    }

    private static SchnorrProof mutate(SchnorrProof proof, Random random) {
        return random.nextBoolean() ? new SchnorrProof(mutateText(proof.v(), random), proof.r())
                : new SchnorrProof(proof.v(), mutateText(proof.r(), random));
    }

    /** Flips, drops, duplicates or replaces characters, or returns an edge value. */
    static String mutateText(String text, Random random) {
        if (text == null || text.isEmpty() || random.nextInt(10) == 0) {
            String[] edges = {null, "", " ", "0", "-1", "ff".repeat(200), "\u0000", "A".repeat(87), "%%%"};
            return edges[random.nextInt(edges.length)];
        }
        StringBuilder s = new StringBuilder(text);
        int position = random.nextInt(s.length());
        switch (random.nextInt(4)) {
            case 0 -> s.setCharAt(position, (char) (s.charAt(position) ^ (1 + random.nextInt(31))));
            case 1 -> s.deleteCharAt(position);
            case 2 -> s.insert(position, s.charAt(position));
            default -> s.setCharAt(position, "0123456789abcdefABCDEF-_".charAt(random.nextInt(24)));
        }
        String mutated = s.toString();
        return mutated.equals(text) ? mutated + "0" : mutated;
    }

    private static final class NoRegistry implements DeviceRegistry {
        @Override
        public List<Device> list() {
            return List.of();
        }

        @Override
        public Optional<Device> find(String deviceId) {
            return Optional.empty();
        }

        @Override
        public Registration register(String name, String platform, Set<String> scopes) {
            throw new AssertionError("a mutated exchange paired");
        }

        @Override
        public Optional<Device> authenticate(String credential, String remoteAddress) {
            return Optional.empty();
        }

        @Override
        public boolean revoke(String deviceId) {
            return false;
        }

        @Override
        public Device setScopes(String deviceId, Set<String> scopes) {
            throw new AssertionError("not used");
        }
    }
}
