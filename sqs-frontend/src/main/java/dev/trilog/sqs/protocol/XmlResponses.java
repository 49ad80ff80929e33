package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes an action's result (in the JSON response shape) as the Query protocol's XML:
 * {@code <XResponse xmlns=…><XResult>…</XResult><ResponseMetadata><RequestId>…}. Lists are
 * unwrapped and repeated under the element {@link SqsAction#xmlListElement} names; maps become
 * repeated name/value elements — {@code Attributes} {@code <Attribute><Name/><Value/>},
 * {@code MessageAttributes} {@code <MessageAttribute><Name/><Value>…}, {@code Tags}
 * {@code <Tag><Key/><Value/>}. Written with the JDK's StAX writer, which does the escaping.
 */
final class XmlResponses {

    static final String NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private XmlResponses() {
    }

    static byte[] result(SqsAction action, ObjectNode result, String requestId) {
        return write(xml -> {
            xml.writeStartElement(action.apiName() + "Response");
            xml.writeDefaultNamespace(NAMESPACE);
            if (action.hasResult()) {
                xml.writeStartElement(action.apiName() + "Result");
                writeMembers(xml, action, result);
                xml.writeEndElement();
            }
            xml.writeStartElement("ResponseMetadata");
            element(xml, "RequestId", requestId);
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }

    static byte[] error(SqsError error, String message, String requestId) {
        return write(xml -> {
            xml.writeStartElement("ErrorResponse");
            xml.writeDefaultNamespace(NAMESPACE);
            xml.writeStartElement("Error");
            element(xml, "Type", error.fault());
            element(xml, "Code", error.queryCode());
            element(xml, "Message", message);
            xml.writeEmptyElement("Detail");
            xml.writeEndElement();
            element(xml, "RequestId", requestId);
            xml.writeEndElement();
        });
    }

    private static void writeMembers(XMLStreamWriter xml, SqsAction action, ObjectNode members)
            throws XMLStreamException {
        for (Iterator<Map.Entry<String, JsonNode>> it = members.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            switch (name) {
                case "Attributes" -> writeMap(xml, action, "Attribute", "Name", value);
                case "MessageAttributes" -> writeMap(xml, action, "MessageAttribute", "Name", value);
                case "MessageSystemAttributes" -> writeMap(xml, action, "MessageSystemAttribute", "Name", value);
                case "Tags" -> writeMap(xml, action, "Tag", "Key", value);
                default -> {
                    if (value.isArray()) {
                        String element = action.xmlListElement(name);
                        for (JsonNode item : value) {
                            writeValue(xml, action, element, item);
                        }
                    } else {
                        writeValue(xml, action, name, value);
                    }
                }
            }
        }
    }

    private static void writeMap(XMLStreamWriter xml, SqsAction action, String element, String keyName, JsonNode map)
            throws XMLStreamException {
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            xml.writeStartElement(element);
            element(xml, keyName, e.getKey());
            writeValue(xml, action, "Value", e.getValue());
            xml.writeEndElement();
        }
    }

    private static void writeValue(XMLStreamWriter xml, SqsAction action, String element, JsonNode value)
            throws XMLStreamException {
        if (value instanceof ObjectNode object) {
            xml.writeStartElement(element);
            writeMembers(xml, action, object);
            xml.writeEndElement();
        } else {
            element(xml, element, value.asText());
        }
    }

    private static void element(XMLStreamWriter xml, String name, String text) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(text);
        xml.writeEndElement();
    }

    private interface Body {
        void write(XMLStreamWriter xml) throws XMLStreamException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            XMLStreamWriter xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            body.write(xml);
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write an SQS XML response", e);
        }
        return out.toByteArray();
    }
}
