package dev.openwork.host.discovery.mdns.internal;

import dev.openwork.host.api.discovery.ServiceRecords;
import dev.openwork.host.discovery.mdns.internal.AdvertisementPlan.Target;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JmDNS responders: one per advertised address, each with the host's service registered.
 * Not thread-safe: {@link MdnsDiscovery} calls it from its one worker thread only.
 */
final class MdnsAdvertiser {

    private static final Logger LOG = LoggerFactory.getLogger(MdnsAdvertiser.class);

    private record Responder(JmDNS jmdns, ServiceInfo service, String instanceName) {
    }

    private static final long STOP_TIMEOUT_MILLIS = 8000;

    private final Map<Target, Responder> responders = new LinkedHashMap<>();
    private final Map<Target, String> failures = new HashMap<>();

    /**
     * Advertises on exactly {@code targets}: starts responders for new ones, sends goodbyes on the
     * ones no longer wanted, and restarts those whose instance name changed.
     */
    void reconcile(List<Target> targets, String instanceName, String hostName, Map<String, String> txt) {
        Set<Target> wanted = new HashSet<>(targets);
        for (Target target : new ArrayList<>(responders.keySet())) {
            if (!wanted.contains(target) || !responders.get(target).instanceName().equals(instanceName)) {
                stop(target, responders.remove(target));
            }
        }
        failures.keySet().retainAll(wanted);
        for (Target target : targets) {
            if (!responders.containsKey(target)) {
                start(target, instanceName, hostName, txt);
            }
        }
    }

    private void start(Target target, String instanceName, String hostName, Map<String, String> txt) {
        JmDNS jmdns = null;
        LOG.info("Starting an mDNS responder on {}", target.describe());
        try {
            // named, because without a name JmDNS looks the machine's name up and stalls without DNS
            jmdns = JmDNS.create(target.address(), hostName);
            ServiceInfo service = ServiceInfo.create(ServiceRecords.SERVICE_TYPE, instanceName, target.port(), 0, 0, txt);
            jmdns.registerService(service);
            responders.put(target, new Responder(jmdns, service, instanceName));
            failures.remove(target);
            LOG.info("Advertising {} as '{}' on {}", ServiceRecords.SERVICE_TYPE, instanceName, target.describe());
        } catch (IOException | RuntimeException e) {
            failures.put(target, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            LOG.warn("Cannot advertise on {}: {}", target.describe(), e.toString());
            if (jmdns != null) {
                closeQuietly(jmdns);
            }
        }
    }

    /** Publishes a new TXT record on every responder (e.g. when the pairing window opens). */
    void updateText(Map<String, String> txt) {
        for (Responder responder : responders.values()) {
            responder.service().setText(txt);
        }
    }

    /**
     * Sends goodbye records everywhere and closes every responder, all at once: JmDNS takes seconds
     * to close one, and a host with several addresses must not keep the last one answering that long.
     */
    void stopAll() {
        List<Thread> stopping = new ArrayList<>();
        for (Target target : new ArrayList<>(responders.keySet())) {
            Responder responder = responders.remove(target);
            Thread thread = new Thread(() -> stop(target, responder), "openwork-mdns-goodbye");
            thread.setDaemon(true);
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join(STOP_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        failures.clear();
    }

    private void stop(Target target, Responder responder) {
        try {
            responder.jmdns().unregisterAllServices(); // goodbye records (TTL 0): browsers drop the host at once
        } catch (RuntimeException e) {
            LOG.warn("Goodbye on {} failed: {}", target.describe(), e.toString());
        }
        closeQuietly(responder.jmdns());
        LOG.info("Stopped advertising on {}", target.describe());
    }

    private static void closeQuietly(JmDNS jmdns) {
        try {
            jmdns.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a responder failed", e);
        }
    }

    /** Where the service is registered now, and the instance name each responder ended with. */
    Map<Target, String> advertised() {
        Map<Target, String> result = new LinkedHashMap<>();
        responders.forEach((target, responder) -> result.put(target, responder.service().getName()));
        return result;
    }

    /** Targets where advertising failed, with the reason. */
    Map<Target, String> failures() {
        return Map.copyOf(failures);
    }
}
