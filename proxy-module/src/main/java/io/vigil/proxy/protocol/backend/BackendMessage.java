package io.vigil.proxy.protocol.backend;

import io.vigil.proxy.protocol.MessageTypes;

/**
 * A message from the server (backend) to a client. {@link BackendDecoder} decodes the ones the
 * gateway acts on; {@link BackendEncoder} writes the ones the gateway answers clients with itself.
 */
public sealed interface BackendMessage
        permits Authentication,
                ParameterStatus,
                BackendKeyData,
                ReadyForQuery,
                CommandComplete,
                ErrorResponse,
                NegotiateProtocolVersion,
                DataRow {

    byte AUTHENTICATION = 'R';
    byte PARAMETER_STATUS = 'S';
    byte BACKEND_KEY_DATA = 'K';
    byte READY_FOR_QUERY = 'Z';
    byte COMMAND_COMPLETE = 'C';
    byte ERROR_RESPONSE = 'E';
    byte NOTICE_RESPONSE = 'N';
    byte EMPTY_QUERY_RESPONSE = 'I';
    byte PORTAL_SUSPENDED = 's';
    byte DATA_ROW = 'D';
    byte ROW_DESCRIPTION = 'T';
    byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    byte PARSE_COMPLETE = '1';
    byte BIND_COMPLETE = '2';
    byte NO_DATA = 'n';
    byte COPY_IN_RESPONSE = 'G';
    byte COPY_OUT_RESPONSE = 'H';
    byte COPY_BOTH_RESPONSE = 'W';

    /** Every regular message a server sends (protocol 3.0 to 3.2). */
    MessageTypes TYPES = new MessageTypes("backend", "RK23CdcGHWDIEVnNAtS1sZTv");

    /**
     * What a long message may be relayed in parts as it arrives, since the gateway needs no more of
     * it than its start: DataRow and CopyData (counted or not read at all), NoticeResponse (not
     * read), ErrorResponse (its severity and SQLSTATE come first, its message is recorded cut).
     */
    MessageTypes STREAMED = new MessageTypes("backend", "DdNE");
}
