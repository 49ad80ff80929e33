package dev.trilog.kafka.group;

import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** The topics consumer groups subscribe to: the engine's in a broker, none where a test needs none. */
interface TopicCatalog {

    TopicCatalog NONE = new TopicCatalog() {
        @Override
        public Optional<Topic> topic(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<Topic> topic(Uuid id) {
            return Optional.empty();
        }

        @Override
        public Collection<Topic> topics() {
            return List.of();
        }
    };

    Optional<Topic> topic(String name);

    Optional<Topic> topic(Uuid id);

    /** Every topic, for regex subscriptions. */
    Collection<Topic> topics();

    static TopicCatalog of(LogEngine engine) {
        return new TopicCatalog() {
            @Override
            public Optional<Topic> topic(String name) {
                return engine.topic(name);
            }

            @Override
            public Optional<Topic> topic(Uuid id) {
                return engine.topicById(id);
            }

            @Override
            public Collection<Topic> topics() {
                return engine.topics();
            }
        };
    }
}
