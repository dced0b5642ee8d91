package dev.openwork.host.permissions.internal;

import java.util.ArrayList;
import java.util.List;

/** List settings as they arrive from ConfigAdmin: an array, or one string with comma-separated items (a .cfg file). */
final class ConfigLists {

    private ConfigLists() {
    }

    static List<String> items(String[] values) {
        List<String> items = new ArrayList<>();
        if (values == null) {
            return items;
        }
        for (String value : values) {
            if (value == null) {
                continue;
            }
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        }
        return items;
    }
}
