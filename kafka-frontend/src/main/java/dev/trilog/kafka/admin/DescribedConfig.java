package dev.trilog.kafka.admin;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * One configuration as DescribeConfigs (and CreateTopics v5+) reports it: the effective value,
 * where it comes from, and the synonyms behind it, most specific first — the topic's own
 * override, then the broker's setting, then Kafka's default.
 *
 * @param documentation null unless the client asked for it
 */
record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, ConfigDef.Type type,
        String documentation, List<Synonym> synonyms) {

    /** One place a value may come from, under the name it has there. */
    record Synonym(String name, String value, ConfigSource source) {
    }

    DescribeConfigsResourceResult toDescribeResult(boolean withSynonyms) {
        DescribeConfigsResourceResult result = new DescribeConfigsResourceResult()
                .setName(name).setValue(value).setReadOnly(readOnly).setIsSensitive(false)
                .setConfigSource(source.id()).setConfigType(ConfigType.valueOf(type.name()).id())
                .setDocumentation(documentation);
        if (withSynonyms) {
            for (Synonym synonym : synonyms) {
                result.synonyms().add(new DescribeConfigsSynonym().setName(synonym.name())
                        .setValue(synonym.value()).setSource(synonym.source().id()));
            }
        }
        return result;
    }

    CreatableTopicConfigs toCreateTopicsResult() {
        return new CreatableTopicConfigs().setName(name).setValue(value).setReadOnly(readOnly)
                .setConfigSource(source.id()).setIsSensitive(false);
    }
}
