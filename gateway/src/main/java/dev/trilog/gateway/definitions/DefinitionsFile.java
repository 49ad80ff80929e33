package dev.trilog.gateway.definitions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trilog.frontend.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Reads a definitions file: JSON when its name ends in {@code .json}, else YAML (which also reads JSON). */
public final class DefinitionsFile {

    private DefinitionsFile() {
    }

    /**
     * @throws DefinitionException when the file cannot be read or is not YAML or JSON; the message
     *         gives the line and column
     */
    public static JsonNode read(Path file) {
        ObjectMapper mapper = mapperFor(file);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new DefinitionException("no such file");
        } catch (IOException e) {
            throw new DefinitionException("cannot read it: " + e.getMessage());
        }
        try {
            JsonNode document = mapper.readTree(text);
            return document == null ? mapper.nullNode() : document;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DefinitionException("not valid " + (isJson(file) ? "JSON" : "YAML") + where + ": "
                    + e.getOriginalMessage());
        }
    }

    /** A mapper for writing a document as {@code file}'s name says: YAML for .yaml or .yml, else JSON. */
    public static ObjectMapper writerFor(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            // plain scalars where YAML allows them, but a string that looks like a number stays a string
            return YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES).disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build();
        }
        return new ObjectMapper();
    }

    private static ObjectMapper mapperFor(Path file) {
        return isJson(file) ? new ObjectMapper() : new YAMLMapper();
    }

    private static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }
}
