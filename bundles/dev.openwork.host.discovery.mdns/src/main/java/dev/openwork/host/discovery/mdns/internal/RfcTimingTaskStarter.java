package dev.openwork.host.discovery.mdns.internal;

import java.util.Timer;
import javax.jmdns.impl.DNSIncoming;
import javax.jmdns.impl.DNSTaskStarter;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.ServiceInfoImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.tasks.state.Announcer;
import javax.jmdns.impl.tasks.state.Prober;

/**
 * JmDNS's task starter with the probe and announce timing of RFC 6762 (sections 8.1 and 8.3) also
 * for a responder that has just started: three probes 250 ms apart, then the first announcement at
 * once. Stock JmDNS probes a new responder at 1-second intervals and announces a second later, so a
 * host took about 4 s to appear on the network. Everything else is JmDNS's own.
 *
 * <p>Installed JVM-wide through {@link DNSTaskStarter.Factory#setClassDelegate} by
 * {@link MdnsDiscovery}; this bundle carries its own copy of JmDNS, so no other user of JmDNS is
 * affected.
 */
final class RfcTimingTaskStarter implements DNSTaskStarter {

    /** RFC 6762 8.1 asks for a random delay of 0-250 ms before the first probe; a short one keeps start-up fast. */
    private static final int FIRST_PROBE_MAX_DELAY_MILLIS = 60;

    private final JmDNSImpl jmdns;
    private final DNSTaskStarter defaults;
    private final Timer stateTimer;

    RfcTimingTaskStarter(JmDNSImpl jmdns) {
        this.jmdns = jmdns;
        this.defaults = new DNSTaskStarter.DNSTaskStarterImpl(jmdns);
        this.stateTimer = new Timer("JmDNS(" + jmdns.getName() + ").ProbeTimer", true);
    }

    @Override
    public void startProber() {
        new RfcProber(jmdns).start(stateTimer);
    }

    @Override
    public void startAnnouncer() {
        new PromptAnnouncer(jmdns).start(stateTimer);
    }

    @Override
    public void purgeStateTimer() {
        defaults.purgeStateTimer();
        stateTimer.purge();
    }

    @Override
    public void cancelStateTimer() {
        defaults.cancelStateTimer();
        stateTimer.cancel();
    }

    @Override
    public void purgeTimer() {
        defaults.purgeTimer();
    }

    @Override
    public void cancelTimer() {
        defaults.cancelTimer();
    }

    @Override
    public void startRenewer() {
        defaults.startRenewer();
    }

    @Override
    public void startCanceler() {
        defaults.startCanceler();
    }

    @Override
    public void startReaper() {
        defaults.startReaper();
    }

    @Override
    public void startServiceInfoResolver(ServiceInfoImpl info) {
        defaults.startServiceInfoResolver(info);
    }

    @Override
    public void startTypeResolver() {
        defaults.startTypeResolver();
    }

    @Override
    public void startServiceResolver(String type) {
        defaults.startServiceResolver(type);
    }

    @Override
    public void startResponder(DNSIncoming in, java.net.InetAddress address, int port) {
        defaults.startResponder(in, address, port);
    }

    /** Probes every 250 ms from the start; falls back to JmDNS's 1 s only under a conflict storm. */
    private static final class RfcProber extends Prober {
        RfcProber(JmDNSImpl jmdns) {
            super(jmdns);
        }

        @Override
        public void start(Timer timer) {
            JmDNSImpl dns = getDns();
            long now = System.currentTimeMillis();
            if (now - dns.getLastThrottleIncrement() < DNSConstants.PROBE_THROTTLE_COUNT_INTERVAL) {
                dns.setThrottle(dns.getThrottle() + 1);
            } else {
                dns.setThrottle(1);
            }
            dns.setLastThrottleIncrement(now);
            if (dns.isCanceling() || dns.isCanceled()) {
                return;
            }
            if (dns.getThrottle() < DNSConstants.PROBE_THROTTLE_COUNT) {
                timer.schedule(this, JmDNSImpl.getRandom().nextInt(FIRST_PROBE_MAX_DELAY_MILLIS + 1),
                        DNSConstants.PROBE_WAIT_INTERVAL);
            } else {
                timer.schedule(this, DNSConstants.PROBE_CONFLICT_INTERVAL, DNSConstants.PROBE_CONFLICT_INTERVAL);
            }
        }
    }

    /** Announces as soon as probing is over, then again a second later (RFC 6762 8.3). */
    private static final class PromptAnnouncer extends Announcer {
        PromptAnnouncer(JmDNSImpl jmdns) {
            super(jmdns);
        }

        @Override
        public void start(Timer timer) {
            if (!getDns().isCanceling() && !getDns().isCanceled()) {
                timer.schedule(this, 0, DNSConstants.ANNOUNCE_WAIT_INTERVAL);
            }
        }
    }
}
