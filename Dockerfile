# alleybot in a container: a static binary (CGO_ENABLED=0) on distroless,
# run as a non-root user. The settings are mounted at
# /etc/alleybot/config.yaml; secrets may come as environment variables
# (DATABASE_URL, TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET, WECOM_SECRET,
# WECOM_KF_SECRET). See README "## Installing" and compose.yaml.
#
#   docker build --build-arg COMMIT=$(git rev-parse HEAD) -t alleybot .

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w -X main.commit=${COMMIT}" -o /out/alleybot ./cmd/alleybot \
    && mkdir -p /out/state/spool

FROM gcr.io/distroless/static-debian12:nonroot
# nonroot is uid/gid 65532; the time zones are in the binary (time/tzdata),
# the CA certificates (Telegram, WeCom) in the image.
COPY --from=build /out/alleybot /usr/local/bin/alleybot
COPY --from=build --chown=65532:65532 /out/state /var/lib/alleybot
# spool_dir (WeCom callbacks kept through a database outage) is relative to here.
WORKDIR /var/lib/alleybot
USER 65532:65532
ENV ALLEYBOT_CONFIG=/etc/alleybot/config.yaml
# http.listen: set it to 0.0.0.0:8080 in the mounted config (the default,
# 127.0.0.1:8080, is not reachable from outside the container).
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/alleybot"]
CMD ["serve"]
