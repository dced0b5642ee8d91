package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.auth.RouteAccess;
import dev.openwork.host.api.health.HealthStatus;
import java.util.List;
import org.junit.Test;

public class RouteRulesTest {

    @RouteAccess(scope = "admin", loopbackScope = "")
    static final class WebPage {
        public void shell() {
        }

        @RouteAccess(scope = "status:read")
        public void status() {
        }
    }

    static final class Unannotated {
        public void anything() {
        }
    }

    static final class Local {
        @Access(scope = "admin", listener = Access.Listener.LOCAL)
        public void login() {
        }
    }

    private static final ConnectionFacts LOOPBACK = new ConnectionFacts(false, true, 4747, "127.0.0.1");
    private static final ConnectionFacts LAN = new ConnectionFacts(true, false, 4748, "192.0.2.7");

    @Test
    public void anotherBundlesRouteMayBeOpenOnLoopbackOnly() throws Exception {
        CallerAuthenticator.Rule rule = CallerAuthenticator.ruleOf(WebPage.class.getMethod("shell"), WebPage.class);
        assertEquals("", rule.scopeFor(LOOPBACK));
        assertEquals("admin", rule.scopeFor(LAN));
        assertEquals(Access.Listener.ANY, rule.listener());
    }

    @Test
    public void aMethodRuleWinsOverTheClassRule() throws Exception {
        CallerAuthenticator.Rule rule = CallerAuthenticator.ruleOf(WebPage.class.getMethod("status"), WebPage.class);
        assertEquals("status:read", rule.scopeFor(LOOPBACK));
        assertEquals("status:read", rule.scopeFor(LAN));
    }

    @Test
    public void noAnnotationMeansAdminEverywhere() throws Exception {
        CallerAuthenticator.Rule rule = CallerAuthenticator.ruleOf(Unannotated.class.getMethod("anything"), Unannotated.class);
        assertEquals("admin", rule.scopeFor(LOOPBACK));
        assertEquals("admin", rule.scopeFor(LAN));
    }

    @Test
    public void thisBundlesAccessKeepsItsListener() throws Exception {
        CallerAuthenticator.Rule rule = CallerAuthenticator.ruleOf(Local.class.getMethod("login"), Local.class);
        assertEquals(Access.Listener.LOCAL, rule.listener());
        assertEquals("admin", rule.scopeFor(LOOPBACK));
    }

    @Test
    public void theHttpCheckNamesWhatIsWrong() {
        assertEquals(HealthStatus.OK, HttpHealthCheck.evaluate(List.of("http://127.0.0.1:4747/"), List.of(), true, List.of()).status());
        assertEquals(HealthStatus.CRITICAL, HttpHealthCheck.evaluate(List.of(), List.of(), true, List.of()).status());
        assertEquals(HealthStatus.CRITICAL,
                HttpHealthCheck.evaluate(List.of("http://127.0.0.1:4747/"), List.of(), false, List.of()).status());
        var warning = HttpHealthCheck.evaluate(List.of("http://127.0.0.1:4747/"), List.of(), true, List.of("openwork.x (reason 2)"));
        assertEquals(HealthStatus.WARNING, warning.status());
        assertTrue(warning.cause(), warning.cause().contains("openwork.x"));
    }

    @Test
    public void aClosedPortDoesNotAccept() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
            assertTrue(HttpHealthCheck.accepts("http://127.0.0.1:" + port + "/"));
        }
        assertEquals(false, HttpHealthCheck.accepts("http://127.0.0.1:" + port + "/"));
    }
}
