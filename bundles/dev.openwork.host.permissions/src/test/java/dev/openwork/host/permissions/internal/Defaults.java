package dev.openwork.host.permissions.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

/** A configuration annotation as DS hands it over: its defaults, with some values replaced. */
final class Defaults {

    private Defaults() {
    }

    @SuppressWarnings("unchecked")
    static <A extends Annotation> A of(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getName().equals("annotationType")) {
                return type;
            }
            Object value = method.getDefaultValue();
            if (value == null) {
                throw new UnsupportedOperationException(method.getName());
            }
            return value;
        });
    }

    static <A extends Annotation> A of(Class<A> type) {
        return of(type, Map.of());
    }
}
