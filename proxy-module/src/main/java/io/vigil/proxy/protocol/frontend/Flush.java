package io.vigil.proxy.protocol.frontend;

/**
 * Flush (F): {@code Byte1('H') Int32(4)}: asks the server to send what it has for the pipeline so
 * far, without ending it. The gateway sends one after a statement under a row cap, whose count it
 * needs before anything after it goes.
 */
public record Flush() implements FrontendMessage {}
