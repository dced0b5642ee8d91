package dev.openwork.host.web.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.auth.RouteAccess;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.Test;

public class WebPageResourceTest {

    private final WebPageResource resource = new WebPageResource();

    private static String text(Response response) {
        return new String((byte[]) response.getEntity(), StandardCharsets.UTF_8);
    }

    @Test
    public void thePageAndItsFilesAreServedWithAStrictPolicy() {
        Response page = resource.page();
        assertEquals(200, page.getStatus());
        assertEquals("text/html;charset=utf-8", page.getMediaType().toString().replace(" ", ""));
        String csp = page.getHeaderString("Content-Security-Policy");
        assertTrue(csp, csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'"));
        assertFalse(csp, csp.contains("unsafe"));
        assertEquals("nosniff", page.getHeaderString("X-Content-Type-Options"));
        assertEquals("no-referrer", page.getHeaderString("Referrer-Policy"));
        for (String name : WebAssets.FILES.keySet()) {
            Response file = resource.file(name);
            assertEquals(name, 200, file.getStatus());
            assertTrue(name, ((byte[]) file.getEntity()).length > 0);
            assertTrue(name, file.getHeaderString("ETag").startsWith("\""));
        }
        assertTrue(text(resource.file("app.js")).contains("EventSource"));
    }

    @Test
    public void onlyTheListedFilesExist() {
        for (String name : new String[] {"../../META-INF/MANIFEST.MF", "dev/openwork/host/web/internal/WebAssets.class",
                "nope.js", "", "INDEX.HTML"}) {
            try {
                resource.file(name);
                fail("served " + name);
            } catch (HostException e) {
                assertEquals(ErrorCode.NOT_FOUND, e.code());
            }
        }
    }

    @Test
    public void thePageHoldsNothingTheStrictPolicyWouldBlock() {
        String html = text(resource.page());
        assertFalse("inline script", Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find());
        assertFalse("inline style element", html.toLowerCase().contains("<style"));
        assertFalse("style attribute", Pattern.compile("\\sstyle=", Pattern.CASE_INSENSITIVE).matcher(html).find());
        assertFalse("inline event handler", Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find());
        String js = text(resource.file("app.js"));
        assertFalse("innerHTML", js.contains("innerHTML"));
        assertFalse("style attribute from script", js.contains("setAttribute('style'"));
        assertFalse("eval", Pattern.compile("\\beval\\(|new Function\\(").matcher(js).find());
    }

    @Test
    public void theFilesAreOpenOnLoopbackAndAdminOnlyOnTheLan() {
        RouteAccess access = WebPageResource.class.getAnnotation(RouteAccess.class);
        assertEquals("admin", access.scope());
        assertEquals("", access.loopbackScope());
    }
}
