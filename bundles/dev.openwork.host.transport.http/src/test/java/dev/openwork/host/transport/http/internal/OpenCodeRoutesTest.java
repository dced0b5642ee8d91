package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.error.ErrorCode;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.Test;

public class OpenCodeRoutesTest {

    private static String basic(String userAndPassword) {
        return Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void basicCarriesTheCredentialAsPasswordWithAnyUser() {
        assertEquals("owd_secret", CallerAuthenticator.basicPassword(basic("opencode:owd_secret")));
        assertEquals("owd_secret:with:colons", CallerAuthenticator.basicPassword(basic(":owd_secret:with:colons")));
        assertNull(CallerAuthenticator.basicPassword(basic("no-colon")));
        assertNull(CallerAuthenticator.basicPassword(basic("user:")));
        assertNull(CallerAuthenticator.basicPassword("%%% not base64"));
    }

    @Test
    public void everyOpenCodeRouteDeclaresItsScopeAndOnlyTheseAcceptBasic() throws Exception {
        for (Method method : OpenCodeResource.class.getDeclaredMethods()) {
            if (method.isAnnotationPresent(jakarta.ws.rs.Path.class) || method.isAnnotationPresent(jakarta.ws.rs.GET.class)) {
                Access access = method.getAnnotation(Access.class);
                assertTrue(method.getName() + " declares its access", access != null && !access.scope().isEmpty() && access.basic());
            }
        }
        CallerAuthenticator.Rule devices = CallerAuthenticator.ruleOf(DevicesResource.class.getMethod("list"), DevicesResource.class);
        assertFalse("other routes keep Bearer only", devices.basic());
    }

    @Test
    public void anUnsupportedRouteIsATypedNotFoundNamingIt() {
        var error = OpenCodeResource.unsupported("GET", "config/providers");
        assertEquals(ErrorCode.NOT_FOUND, error.code());
        assertTrue(error.getMessage(), error.getMessage().contains("GET /config/providers"));
    }
}
