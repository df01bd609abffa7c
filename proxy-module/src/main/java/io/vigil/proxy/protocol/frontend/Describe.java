package io.vigil.proxy.protocol.frontend;

/**
 * Describe (F): {@code Byte1('D') Int32 length, Byte1 kind ('S' statement, 'P' portal), String
 * name}. The gateway relays clients' Describes untouched; it builds one only for a simple Query it
 * runs as a pipeline of its own (a statement under a row cap).
 */
public record Describe(byte kind, String name) implements FrontendMessage {

    public static final byte PORTAL = 'P';

    public static Describe portal(String name) {
        return new Describe(PORTAL, name);
    }
}
