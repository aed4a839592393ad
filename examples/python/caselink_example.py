#!/usr/bin/python3
"""A minimal caselink client in Python: read a case, see an error, follow events, move documents.

Needs Debian 12's python3-grpcio and python3-protobuf (run it with
/usr/bin/python3) and the stubs made by generate_stubs.sh:

    bash examples/python/generate_stubs.sh /tmp/caselink-stubs
    /usr/bin/python3 examples/python/caselink_example.py --stubs /tmp/caselink-stubs \
        --target 127.0.0.1:7443 --server-name localhost \
        --ca ca.pem --cert agencies/psb.pem --key agencies/psb.key \
        --case-id C... --purpose "核查线索" [--watch --max-events 5 --idle-seconds 30]
        [--upload-pdf 移送书.pdf --item T... [--kind MATERIAL_TRANSFER_LETTER]]
        [--download D... --out 移送书.pdf]

What it does, in order:
  (a) with --case-id: GetCase with a purpose (查询事由); the server returns the
      case redacted by the district policy for the calling agency;
  (b) always: a bad request (GetCase with an empty case_id), to show the
      error model: INVALID_ARGUMENT with a message naming the field;
  (c) with --watch: EventService/Watch, resuming from the last cursor after
      UNAVAILABLE (a server restart), until --max-events events arrived or
      none came for --idle-seconds;
  (d) with --upload-pdf FILE --item ITEM: DocumentService/Upload, client
      streaming: the file's size and SHA-256 are computed first (one pass),
      then a header and the bytes in 256 KiB chunks are sent; the server
      checks the type by content, the size and the hash, and stores nothing
      on a mismatch;
  (e) with --download DOC_ID --out FILE: DocumentService/Download, server
      streaming, into FILE + ".part": an existing .part file (an interrupted
      download) is resumed from its size, and the whole file's SHA-256 is
      checked against the document's before the .part file becomes FILE.

Results go to stdout as JSON Lines, one object per result ({"case": ...},
{"error": ...}, {"event": ...}, {"document": ...}, {"downloaded": ...});
messages are converted by protobuf's json_format (MessageToDict, the dict
form of MessageToJson) with the proto field names. Progress notes go to stderr. Exit code 0 on success.
"""

import argparse
import hashlib
import json
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--target", required=True, help="host:port of caselinkd")
    p.add_argument("--ca", required=True, help="PEM of the district CA (verifies the server)")
    p.add_argument("--cert", required=True, help="your agency's client certificate (PEM)")
    p.add_argument("--key", required=True, help="your agency's private key (PEM)")
    p.add_argument("--server-name", default="",
                   help="name to check the server certificate against, if not the target host")
    p.add_argument("--stubs", default=os.environ.get("CASELINK_STUBS", ""),
                   help="directory given to generate_stubs.sh (default $CASELINK_STUBS)")
    p.add_argument("--case-id", default="", help="(a) read this case")
    p.add_argument("--purpose", default="", help="查询事由, recorded in the access log")
    p.add_argument("--deadline", type=float, default=10.0, help="seconds allowed per unary call")
    p.add_argument("--watch", action="store_true", help="(c) follow the event stream")
    p.add_argument("--from-cursor", type=int, default=0, help="resume after this cursor")
    p.add_argument("--max-events", type=int, default=0, help="(c) stop after N events (0: no limit)")
    p.add_argument("--idle-seconds", type=float, default=30.0,
                   help="(c) stop when no event came for this long (reconnects included)")
    p.add_argument("--upload-pdf", metavar="FILE", default="",
                   help="(d) upload FILE, e.g. a PDF (the server tells the type from the content)")
    p.add_argument("--item", default="", help="(d) the transfer or supervision record to attach it to")
    p.add_argument("--kind", default="MATERIAL_TRANSFER_LETTER",
                   help="(d) a MaterialKind name (default MATERIAL_TRANSFER_LETTER)")
    p.add_argument("--reference", default="", help="(d) the document number, e.g. 某监移〔2024〕3号")
    p.add_argument("--download", metavar="DOC_ID", default="", help="(e) download this document")
    p.add_argument("--out", metavar="FILE", default="", help="(e) where to put it (via FILE.part)")
    p.add_argument("--transfer-deadline", type=float, default=3600.0,
                   help="(d), (e) seconds allowed per upload or download (default 3600)")
    args = p.parse_args()
    if args.idle_seconds <= 0 or args.deadline <= 0 or args.transfer_deadline <= 0:
        p.error("--idle-seconds, --deadline and --transfer-deadline must be positive "
                "(every call has a deadline)")
    if args.upload_pdf and not args.item:
        p.error("--upload-pdf needs --item (the transfer or supervision record)")
    if args.upload_pdf and not os.path.isfile(args.upload_pdf):
        p.error("--upload-pdf: %s is not a readable file" % args.upload_pdf)
    if bool(args.download) != bool(args.out):
        p.error("--download and --out go together")
    return args


def note(msg):
    print("caselink_example: " + msg, file=sys.stderr, flush=True)


def emit(kind, value):
    """One result as one JSON line on stdout."""
    print(json.dumps({kind: value}, ensure_ascii=False), flush=True)


def main():
    args = parse_args()
    if args.stubs:
        sys.path.insert(0, args.stubs)
    # Imported here so that --help works without grpc or the stubs.
    import grpc
    from google.protobuf import json_format
    from caselink.v1 import case_service_pb2, case_service_pb2_grpc
    from caselink.v1 import workflow_pb2, workflow_pb2_grpc
    from caselink.v1 import document_pb2, document_pb2_grpc

    def to_dict(message):
        return json_format.MessageToDict(message, preserving_proto_field_name=True)

    kind = workflow_pb2.MATERIAL_KIND_UNSPECIFIED
    if args.upload_pdf:
        try:
            kind = workflow_pb2.MaterialKind.Value(args.kind)
        except ValueError:
            note("--kind %s is not a MaterialKind (MATERIAL_TRANSFER_LETTER, ...)" % args.kind)
            return 2

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    # Mutual TLS: the CA verifies the server, the certificate + key prove
    # which agency we are. The server takes our identity from the certificate
    # only, never from a request field.
    creds = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key),
        certificate_chain=read(args.cert))
    options = [
        # Reconnect quickly after a server restart; gRPC's default backoff
        # grows to minutes, longer than a deploy takes.
        ("grpc.initial_reconnect_backoff_ms", 200),
        ("grpc.max_reconnect_backoff_ms", 2000),
        # Let gRPC retry unary calls that failed with UNAVAILABLE (server
        # restarting). Safe for every caselink RPC: reads change nothing and
        # writes carry a request_id, so a retried write is stored only once.
        ("grpc.service_config", json.dumps({"methodConfig": [{
            "name": [{"service": "caselink.v1.CaseService"},
                     {"service": "caselink.v1.WorkflowService"}],
            "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.2s", "maxBackoff": "2s",
                            "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]},
        }]})),
    ]
    if args.server_name:
        # The certificate names "localhost"; connecting to an IP or another
        # DNS name needs the name to check it against.
        options.append(("grpc.ssl_target_name_override", args.server_name))

    with grpc.secure_channel(args.target, creds, options=options) as channel:
        cases = case_service_pb2_grpc.CaseServiceStub(channel)
        ok = True

        # (a) Read a case. Another agency's case needs a purpose (查询事由);
        # what we get back is already redacted by the policy (e.g. police see
        # other agencies' identity numbers masked as 510***********1235).
        if args.case_id:
            request = case_service_pb2.GetCaseRequest(case_id=args.case_id, purpose=args.purpose)
            try:
                case = cases.GetCase(request, timeout=args.deadline)
                emit("case", to_dict(case))
            except grpc.RpcError as err:
                emit("error", error_dict("GetCase", err))
                ok = False

        # (b) A bad request: the server answers INVALID_ARGUMENT and names the
        # field. Errors are never retried blindly: only UNAVAILABLE is.
        try:
            cases.GetCase(case_service_pb2.GetCaseRequest(case_id="", purpose=args.purpose),
                          timeout=args.deadline)
            note("GetCase with an empty case_id unexpectedly succeeded")
            ok = False
        except grpc.RpcError as err:
            emit("error", error_dict("GetCase", err))
            ok = ok and err.code() == grpc.StatusCode.INVALID_ARGUMENT

        # (c) Follow the event stream.
        if args.watch:
            events = workflow_pb2_grpc.EventServiceStub(channel)
            ok = watch(grpc, events, workflow_pb2, args, to_dict) and ok

        # (d), (e) Documents. Both are streams carrying a whole file, so they
        # get a deadline of their own, --transfer-deadline (default one hour,
        # as the C++ library's): the per-call --deadline (seconds) is meant
        # for small unary calls and would cut off a large file on a slow link.
        # They are not in the retry policy above: gRPC can replay only a
        # stream's first bytes, and the .part file is how a download resumes.
        documents = document_pb2_grpc.DocumentServiceStub(channel)
        stream_deadline = max(args.deadline, args.transfer_deadline)
        if args.upload_pdf:
            ok = upload(grpc, documents, document_pb2, args, kind, stream_deadline, to_dict) and ok
        if args.download:
            ok = download(grpc, documents, document_pb2, args, stream_deadline) and ok

    return 0 if ok else 1


def watch(grpc, stub, workflow_pb2, args, to_dict):
    """Streams events, reconnecting after UNAVAILABLE from the last cursor.

    The cursor is the only state needed to resume: the server sends exactly
    the events after it, so nothing is skipped or repeated. A real
    integration stores the cursor together with its own processing of the
    event (same transaction) and passes it back with --from-cursor.
    """
    cursor = args.from_cursor
    received = 0
    last_event = time.monotonic()
    backoff = 0.2
    while True:
        # Like every call, a stream gets a deadline: the time left until we
        # would have waited --idle-seconds since the last event. When it
        # passes after some events, we simply reopen from the cursor.
        idle_left = args.idle_seconds - (time.monotonic() - last_event)
        if idle_left <= 0:
            note("no event for %g s; stopping (last cursor %d)" % (args.idle_seconds, cursor))
            return True
        request = workflow_pb2.WatchRequest(from_cursor=cursor, purpose=args.purpose)
        call = stub.Watch(request, timeout=idle_left)
        try:
            for event in call:
                if event.cursor <= cursor:  # the server promises this never happens
                    note("cursor went backwards: %d after %d" % (event.cursor, cursor))
                    return False
                cursor = event.cursor
                received += 1
                last_event = time.monotonic()
                backoff = 0.2
                emit("event", to_dict(event))
                if args.max_events and received >= args.max_events:
                    note("received %d events; stopping (last cursor %d)" % (received, cursor))
                    call.cancel()
                    return True
            note("the server ended the stream; reopening from cursor %d" % cursor)
        except grpc.RpcError as err:
            code = err.code()
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                continue  # idle check at the top of the loop
            if code != grpc.StatusCode.UNAVAILABLE:
                # INVALID_ARGUMENT (no purpose), PERMISSION_DENIED, ...: the
                # same request would fail again, so do not retry.
                emit("error", error_dict("Watch", err))
                return False
            # The server restarted or the network broke: wait a little and
            # reconnect after the last cursor we received.
            note("stream broke (%s: %s); reconnecting from cursor %d in %.1f s"
                 % (code.name, err.details(), cursor, backoff))
            time.sleep(backoff)
            backoff = min(backoff * 2, 2.0)


CHUNK_BYTES = 256 << 10  # per message: well under any server's max message size


def file_digest(path):
    """(size, lowercase hex SHA-256) of a file, read in one pass."""
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK_BYTES), b""):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def upload(grpc, stub, document_pb2, args, kind, deadline, to_dict):
    """(d) Uploads args.upload_pdf: a header, then the bytes in chunks.

    The header announces size and SHA-256, so they are computed before
    anything is sent. The request_id is derived from the whole header: sending
    the same file with the same header again, e.g. after a lost answer, is
    answered with the stored document (replayed: true), while a changed
    header (another --reference, say) is a new upload, not ALREADY_EXISTS.
    """
    size, sha256 = file_digest(args.upload_pdf)
    header = document_pb2.UploadHeader(
        item_id=args.item, kind=kind, file_name=os.path.basename(args.upload_pdf),
        size=size, sha256=sha256, reference=args.reference)
    header.request_id = "doc-" + hashlib.sha256(
        b"caselink-document\n" + header.SerializeToString(deterministic=True)).hexdigest()[:40]

    def requests():
        # gRPC pulls from this generator as the stream has room: the file is
        # never held whole. If the file changed since it was hashed, the
        # server finds the size or hash wrong and stores nothing.
        yield document_pb2.UploadDocumentRequest(header=header)
        with open(args.upload_pdf, "rb") as f:
            for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
                yield document_pb2.UploadDocumentRequest(chunk=chunk)

    note("uploading %s (%d bytes, sha256 %s) to %s" % (args.upload_pdf, size, sha256, args.item))
    try:
        response = stub.Upload(requests(), timeout=deadline)
    except grpc.RpcError as err:
        emit("error", error_dict("Upload", err))
        return False
    if response.replayed:
        note("the server had this upload already; nothing new was stored")
    emit("document", to_dict(response.document))
    return True


def download(grpc, stub, document_pb2, args, deadline):
    """(e) Downloads args.download into args.out through args.out + ".part".

    An existing .part file is what an interrupted download left: ask for the
    rest from its size (offset). Nothing is trusted until the whole file's
    SHA-256 equals the document's; only then does it get its real name.
    """
    part = args.out + ".part"
    offset = os.path.getsize(part) if os.path.exists(part) else 0
    if offset:
        note("resuming %s from byte %d" % (part, offset))
    request = document_pb2.DownloadDocumentRequest(id=args.download, offset=offset,
                                                   purpose=args.purpose)
    document, out = None, None
    call = stub.Download(request, timeout=deadline)
    try:
        for msg in call:
            if msg.HasField("document"):
                document = msg.document  # the first message
            if not msg.data:
                continue
            if out is None:  # opened at the first byte: a refusal leaves no file
                out = open(part, "ab" if offset else "wb")
            if msg.offset != out.tell():
                emit("error", {"rpc": "Download", "code": "DATA_LOSS",
                               "details": "the server sent offset %d, expected %d"
                                          % (msg.offset, out.tell())})
                call.cancel()
                return False  # the .part file is still a correct prefix
            out.write(msg.data)
    except grpc.RpcError as err:
        if err.code() == grpc.StatusCode.OUT_OF_RANGE and offset:
            # The .part file is longer than the document: it is not this
            # document's beginning. Start again next time.
            os.remove(part)
        emit("error", error_dict("Download", err))
        return False  # otherwise the .part file stays for a resumed download
    finally:
        if out is not None:
            out.close()
    if document is None or not os.path.exists(part):
        emit("error", {"rpc": "Download", "code": "DATA_LOSS",
                       "details": "the stream ended without the document's metadata or content"})
        return False
    size, sha256 = file_digest(part)
    if size != document.size or sha256 != document.sha256:
        os.remove(part)
        emit("error", {"rpc": "Download", "code": "DATA_LOSS",
                       "details": "the downloaded file hashes to %s (%d bytes), not to the document's "
                                  "%s (%d bytes); removed %s, download again"
                                  % (sha256, size, document.sha256, document.size, part)})
        return False
    os.replace(part, args.out)
    emit("downloaded", {"id": document.id, "bytes": size, "sha256": sha256,
                        "resumed_from": offset})
    return True


def error_dict(rpc, err):
    # code() is a grpc.StatusCode; its name is the one the docs use.
    return {"rpc": rpc, "code": err.code().name, "details": err.details()}


if __name__ == "__main__":
    sys.exit(main())
