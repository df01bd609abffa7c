package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Promise;
import io.vigil.proxy.auth.AuthenticationFailed;
import io.vigil.proxy.auth.Md5Password;
import io.vigil.proxy.auth.ScramClient;
import io.vigil.proxy.auth.ScramSha256;
import io.vigil.proxy.directory.RoleSafety;
import io.vigil.proxy.directory.Target;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.backend.Authentication;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationMD5Password;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationOk;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASL;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLContinue;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLFinal;
import io.vigil.proxy.protocol.backend.BackendDecoder;
import io.vigil.proxy.protocol.backend.BackendKeyData;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.DataRow;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.backend.ParameterStatus;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import io.vigil.proxy.protocol.frontend.FrontendEncoder;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.PasswordMessage;
import io.vigil.proxy.protocol.frontend.Query;
import io.vigil.proxy.protocol.frontend.SASLInitialResponse;
import io.vigil.proxy.protocol.frontend.SASLResponse;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import io.vigil.proxy.sql.LexingSettings;
import io.vigil.proxy.sql.RelationCatalog;
import io.vigil.proxy.sql.SearchPath;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Logs in to the target as its upstream role, with the credential the agent never sees, and
 * completes {@code result} once the target is ready for queries.
 *
 * <pre>
 * Vigil                                       PostgreSQL
 *   | StartupMessage(user=upstream role, database) |
 *   |--------------------------------------------->|
 *   |     AuthenticationSASL / AuthenticationMD5Password
 *   |<---------------------------------------------|
 *   |   SCRAM-SHA-256 exchange, or md5 password     |
 *   |<-------------------------------------------->|
 *   | AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery
 *   |<---------------------------------------------|
 *   | Query(may this role be used? RoleSafety)      |   unless checked in the last minute
 *   |--------------------------------------------->|
 *   | RowDescription, DataRow(reasons), CommandComplete, ReadyForQuery
 *   |<---------------------------------------------|
 *   | Query([schemas, relations;] search_path)      |   the catalog unless read in the last minute
 *   |--------------------------------------------->|
 *   | RowDescription, DataRow*, CommandComplete (per statement), ReadyForQuery
 *   |<---------------------------------------------|
 * </pre>
 *
 * Cleartext password requests are refused: they would send the credential in the clear. A role
 * that could step around Vigil (see {@link RoleSafety}) is refused with {@link RoleRefused}: the
 * target answers for its own catalog, on the very connection the agent would get.
 */
final class UpstreamLoginHandler extends SimpleChannelInboundHandler<PgFrame> {

    private final Target target;
    private final Map<String, String> clientParameters;
    private final SecureRandom random;
    private final Promise<UpstreamLogin> result;
    private final List<ParameterStatus> parameters = new ArrayList<>();
    private ScramClient scram;
    private BackendKeyData keyData = new BackendKeyData(0, 0);
    private boolean authenticated;
    private final RoleChecks roleChecks;
    private final Catalogs catalogs;

    /** What the login waits for: the login itself, the role check's answer, the catalog's. */
    private enum Phase {
        LOGIN,
        ROLE_CHECK,
        CATALOG
    }

    private Phase phase = Phase.LOGIN;
    private String reasons;
    private String checkError;
    private RelationCatalog.Builder catalogRows;
    private RelationCatalog catalog;
    private String searchPath;

    UpstreamLoginHandler(
            Target target,
            Map<String, String> clientParameters,
            SecureRandom random,
            RoleChecks roleChecks,
            Catalogs catalogs,
            Promise<UpstreamLogin> result) {
        this.target = target;
        this.clientParameters = clientParameters;
        this.random = random;
        this.roleChecks = roleChecks;
        this.catalogs = catalogs;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // With TLS to the target, UpstreamTlsHandler holds this back; the login starts after the handshake.
        sendStartup(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                sendStartup(ctx);
            } else {
                result.tryFailure(handshake.cause());
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    private void sendStartup(ChannelHandlerContext ctx) {
        Map<String, String> startup = new java.util.LinkedHashMap<>(clientParameters);
        startup.put("user", target.upstreamUser());
        startup.put("database", target.database());
        send(ctx, new StartupMessage(StartupMessage.PROTOCOL_3_0, startup));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgFrame frame) throws AuthenticationFailed, RoleRefused {
        if (frame.type() == BackendMessage.NOTICE_RESPONSE
                || frame.type() == BackendMessage.NEGOTIATE_PROTOCOL_VERSION) {
            return;
        }
        if (phase == Phase.ROLE_CHECK) {
            roleCheckAnswer(ctx, frame);
            return;
        }
        if (phase == Phase.CATALOG) {
            catalogAnswer(frame);
            return;
        }
        switch (BackendDecoder.decode(frame)) {
            case Authentication auth -> authenticate(ctx, auth);
            case ParameterStatus p -> parameters.add(p);
            case BackendKeyData k -> keyData = k;
            case ReadyForQuery _
            when authenticated -> {
                refuseOtherLexing();
                if (roleChecks.fresh(target)) {
                    readCatalog(ctx);
                } else {
                    phase = Phase.ROLE_CHECK;
                    send(ctx, new Query(RoleSafety.query("CURRENT_USER", target.managementUser()), true));
                }
            }
            case ErrorResponse error ->
                throw new AuthenticationFailed(
                        "the target refused the login: " + error.sqlState() + " " + error.message());
            default -> throw new AuthenticationFailed("unexpected message from the target during login");
        }
    }

    /**
     * A session whose role or database sets a lexing setting (ALTER ROLE/DATABASE ... SET) would
     * read SQL otherwise than Vigil's parser: it is not used.
     */
    private void refuseOtherLexing() throws RoleRefused {
        for (ParameterStatus p : parameters) {
            if (!LexingSettings.allows(p.name(), p.value())) {
                throw new RoleRefused("the target's sessions for role \"" + target.upstreamUser() + "\" start with "
                        + p.name() + " = " + p.value() + " (set for the role or the database): "
                        + LexingSettings.refusal(p.name(), p.value()));
            }
        }
    }

    /**
     * The catalog to resolve the session's relation names against (unless read lately) and the
     * session's search_path (always: the role's own setting may have changed).
     */
    private void readCatalog(ChannelHandlerContext ctx) {
        phase = Phase.CATALOG;
        catalog = catalogs.fresh(target);
        String setting = "select pg_catalog.current_setting('search_path')";
        if (catalog != null) {
            send(ctx, new Query(setting, true));
        } else {
            catalogRows = RelationCatalog.builder();
            send(
                    ctx,
                    new Query(RelationCatalog.QUERY + ";\n" + RelationCatalog.FUNCTION_QUERY + ";\n" + setting, true));
        }
    }

    /**
     * Rows of (schema, relation, usable), of (schema, function, volatility, SECURITY DEFINER,
     * language, owned), then one of the search_path setting.
     */
    private void catalogAnswer(PgFrame frame) throws RoleRefused {
        switch (frame.type()) {
            case BackendMessage.DATA_ROW -> {
                DataRow row = (DataRow) BackendDecoder.decode(frame);
                if (row.columns().size() == 1) {
                    searchPath = row.column(0);
                } else if (catalogRows == null) {
                    throw new RoleRefused("the target answered Vigil's catalog read out of turn");
                } else if (row.columns().size() == 6) {
                    catalogRows.function(
                            row.column(0),
                            row.column(1),
                            "v".equals(row.column(2)),
                            "t".equals(row.column(3)),
                            row.column(4),
                            "t".equals(row.column(5)));
                } else if (row.column(1) == null) {
                    catalogRows.schema(row.column(0), "t".equals(row.column(2)));
                } else {
                    catalogRows.relation(row.column(0), row.column(1));
                }
            }
            case BackendMessage.ERROR_RESPONSE -> checkError = ((ErrorResponse) BackendDecoder.decode(frame)).message();
            case BackendMessage.READY_FOR_QUERY -> {
                if (checkError != null) {
                    // Fail closed: a session whose relations Vigil cannot name is not opened.
                    throw new RoleRefused("Vigil could not read the target's catalog as role \"" + target.upstreamUser()
                            + "\": " + checkError);
                }
                if (catalog == null) {
                    catalog = catalogRows.build();
                    catalogs.read(target, catalog);
                }
                loggedIn((ReadyForQuery) BackendDecoder.decode(frame));
            }
            default -> {} // RowDescription, CommandComplete
        }
    }

    /** In; a search_path Vigil cannot read as a list leaves unqualified names as written until a lookup. */
    private void loggedIn(ReadyForQuery ready) {
        result.trySuccess(new UpstreamLogin(
                parameters,
                keyData.processId(),
                keyData.secretKey(),
                ready.status(),
                catalog,
                searchPath == null ? null : SearchPath.split(searchPath)));
    }

    /** The role check's answer: one row with the reasons the role is refused, empty if none. */
    private void roleCheckAnswer(ChannelHandlerContext ctx, PgFrame frame) throws RoleRefused {
        switch (frame.type()) {
            case BackendMessage.DATA_ROW -> {
                String first = ((DataRow) BackendDecoder.decode(frame)).column(0);
                reasons = first == null ? "" : first;
            }
            case BackendMessage.ERROR_RESPONSE -> checkError = ((ErrorResponse) BackendDecoder.decode(frame)).message();
            case BackendMessage.READY_FOR_QUERY -> {
                if (checkError != null || reasons == null) {
                    // Fail closed: a role Vigil cannot check is not used.
                    throw new RoleRefused("Vigil could not check role \"" + target.upstreamUser() + "\": "
                            + (checkError != null ? checkError : "no such role"));
                }
                if (!reasons.isEmpty()) {
                    throw new RoleRefused(RoleSafety.refusal(target.upstreamUser(), reasons));
                }
                roleChecks.passed(target);
                readCatalog(ctx);
            }
            default -> {} // RowDescription, CommandComplete
        }
    }

    private void authenticate(ChannelHandlerContext ctx, Authentication request) throws AuthenticationFailed {
        switch (request) {
            case AuthenticationOk ok -> authenticated = true;
            case AuthenticationSASL sasl
            when sasl.mechanisms().contains(ScramSha256.MECHANISM) -> {
                scram = new ScramClient(target.upstreamPassword(), random);
                send(ctx, new SASLInitialResponse(ScramSha256.MECHANISM, scram.clientFirst()));
            }
            case AuthenticationSASLContinue c
            when scram != null -> send(ctx, new SASLResponse(scram.clientFinal(c.data())));
            case AuthenticationSASLFinal f when scram != null -> scram.verifyServerFinal(f.data());
            case AuthenticationMD5Password md5 ->
                send(
                        ctx,
                        new PasswordMessage(
                                Md5Password.response(target.upstreamUser(), target.upstreamPassword(), md5.salt())));
            default ->
                throw new AuthenticationFailed(
                        "the target asked for an authentication method Vigil does not use: " + request);
        }
    }

    private static void send(ChannelHandlerContext ctx, FrontendMessage message) {
        ctx.writeAndFlush(FrontendEncoder.encode(message, ctx.alloc()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.tryFailure(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.tryFailure(new AuthenticationFailed("the target closed the connection during login"));
        ctx.fireChannelInactive();
    }
}
