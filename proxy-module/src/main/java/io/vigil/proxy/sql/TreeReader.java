package io.vigil.proxy.sql;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a statement's parse tree from libpg_query's JSON as it streams, leaving out what
 * {@link TreeClassifier} never reads, so a bulk statement's tree costs a fraction of what a full one
 * would (an INSERT of 70,000 rows of VALUES: about 1 KB of Java objects per constant kept whole).
 *
 * <ul>
 *   <li>{@code location} fields, except a constant's or a parameter's (a secret is found by it);
 *   <li>the constants among a VALUES row's expressions: they name no relation or function, and
 *       nothing reads their values or their order (a function call or subquery in a row is kept).
 * </ul>
 *
 * The nesting depth is the parser's own: {@code StreamReadConstraints} bound it.
 */
final class TreeReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TreeReader() {}

    /** Reads the value the parser is at (its first token not yet consumed). */
    static JsonNode read(JsonParser parser) {
        parser.nextToken();
        return value(parser, Context.OTHER);
    }

    /** Where a value sits, as far as leaving things out is concerned. */
    private enum Context {
        OTHER,
        /** A constant's or parameter's body: its location is kept. */
        LOCATED,
        /** {@code valuesLists}: each element is one row's list. */
        VALUES_LISTS,
        /** One row of VALUES ({@code {"List": {"items": [...]}}}). */
        VALUES_ROW,
        /** A row's expressions. */
        VALUES_ITEMS
    }

    private static JsonNode value(JsonParser parser, Context context) {
        return switch (parser.currentToken()) {
            case START_OBJECT -> object(parser, context);
            case START_ARRAY -> array(parser, context);
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT -> NODES.numberNode(parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            default -> NODES.nullNode();
        };
    }

    /** At START_OBJECT: the object, its properties read one by one. */
    private static ObjectNode object(JsonParser parser, Context context) {
        return rest(parser, context, NODES.objectNode(), parser.nextToken());
    }

    /** The object's properties from {@code t} (the next PROPERTY_NAME, or END_OBJECT) on. */
    private static ObjectNode rest(JsonParser parser, Context context, ObjectNode object, JsonToken t) {
        for (; t == JsonToken.PROPERTY_NAME; t = parser.nextToken()) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals("location") && context != Context.LOCATED) {
                parser.skipChildren();
                continue;
            }
            Context inner =
                    switch (name) {
                        case "A_Const", "ParamRef" -> Context.LOCATED;
                        case "valuesLists" -> Context.VALUES_LISTS;
                        case "List" -> context == Context.VALUES_ROW ? Context.VALUES_ROW : Context.OTHER;
                        case "items" -> context == Context.VALUES_ROW ? Context.VALUES_ITEMS : Context.OTHER;
                        default -> Context.OTHER;
                    };
            object.set(name, value(parser, inner));
        }
        return object;
    }

    private static ArrayNode array(JsonParser parser, Context context) {
        ArrayNode array = NODES.arrayNode();
        Context elements = context == Context.VALUES_LISTS ? Context.VALUES_ROW : Context.OTHER;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (context == Context.VALUES_ITEMS && t == JsonToken.START_OBJECT) {
                JsonNode expression = rowExpression(parser);
                if (expression != null) {
                    array.add(expression);
                }
            } else {
                array.add(value(parser, elements));
            }
        }
        return array;
    }

    /** One expression of a VALUES row, at its START_OBJECT: null if it is a constant (skipped whole). */
    private static JsonNode rowExpression(JsonParser parser) {
        JsonToken t = parser.nextToken();
        if (t == JsonToken.PROPERTY_NAME && parser.currentName().equals("A_Const")) {
            parser.nextToken();
            parser.skipChildren();
            parser.nextToken(); // the wrapper's END_OBJECT
            return null;
        }
        return rest(parser, Context.OTHER, NODES.objectNode(), t);
    }
}
