package dev.trilog.routing.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The queue facade's public API speaks routing's own types: the share cursor's ({@code Outcome},
 * {@code Delivery}, …) stay behind it, so the engine can change without the frontends noticing.
 */
class QueuesApiTest {

    @Test
    void noPublicSignatureNamesAShareCursorType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicClassesOfThisPackage()) {
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                    check(leaks, type, m.getName(), m.getGenericReturnType());
                    for (Type p : m.getGenericParameterTypes()) {
                        check(leaks, type, m.getName(), p);
                    }
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    for (Type p : c.getGenericParameterTypes()) {
                        check(leaks, type, "<init>", p);
                    }
                }
            }
            if (type.isRecord()) {
                for (RecordComponent rc : type.getRecordComponents()) {
                    check(leaks, type, rc.getName(), rc.getGenericType());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static void check(List<String> leaks, Class<?> owner, String member, Type type) {
        if (type.getTypeName().contains("dev.trilog.log.share.")) {
            leaks.add(owner.getSimpleName() + "." + member + ": " + type.getTypeName());
        }
    }

    private static List<Class<?>> publicClassesOfThisPackage() throws Exception {
        Path dir = Path.of("target", "classes", "dev", "trilog", "routing", "queue");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class")) {
                    Class<?> type = Class.forName("dev.trilog.routing.queue." + name.replace(".class", ""));
                    if (Modifier.isPublic(type.getModifiers())) {
                        out.add(type);
                    }
                }
            }
        }
        assertThat(out).contains(Queues.class, Settlement.class, SettleResult.class);
        return out;
    }
}
