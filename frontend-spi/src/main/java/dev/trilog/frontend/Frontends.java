package dev.trilog.frontend;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds the frontends on the class path: what the gateway serves. */
public final class Frontends {

    private Frontends() {
    }

    /**
     * A new instance of every frontend registered in {@code META-INF/services/dev.trilog.frontend.Frontend}
     * on the class path, in name order (the order they start in).
     *
     * @throws IllegalStateException when two frontends have the same name
     */
    public static List<Frontend> installed() {
        List<Frontend> frontends = ServiceLoader.load(Frontend.class, Frontend.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(Frontend::name))
                .toList();
        Map<String, Frontend> byName = new HashMap<>();
        for (Frontend frontend : frontends) {
            Frontend clash = byName.put(frontend.name(), frontend);
            if (clash != null) {
                throw new IllegalStateException("two frontends are named " + frontend.name() + ": "
                        + clash.getClass().getName() + " and " + frontend.getClass().getName());
            }
        }
        return frontends;
    }
}
