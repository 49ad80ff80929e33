package dev.trilog.gateway;

import java.util.List;

/** The protocol frontends this build serves, in start order; {@code trilog serve} and tests use the same list. */
public final class ProtocolFrontends {

    private ProtocolFrontends() {
    }

    public static List<FrontendFactory> all() {
        return List.of(KafkaFrontend::create, SqsFrontendListener::create);
    }
}
