# syntax=docker/dockerfile:1
#
# Beacon in a container: `docker build -t beacon .`, or `docker compose up --build` (docker-compose.yml).
# Three stages: the React client (Node), the .NET publish (SDK), and a small runtime image that runs as the
# non-root `app` user. See docs/operations.md.

# --- 1. The React client (src/Web/ClientApp), built into src/Web/wwwroot/app by Vite. -----------------------------
# Built in its own Node stage rather than by the SDK stage's MSBuild target (which would need Node in the SDK image):
# same output, and npm's layer is cached until package-lock.json changes.
FROM node:22-bookworm-slim AS client
WORKDIR /src/src/Web/ClientApp
COPY src/Web/ClientApp/package.json src/Web/ClientApp/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/Web/ClientApp/ ./
RUN npm run build

# --- 2. The app. -----------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The release reported to Sentry (beacon@VERSION+SOURCE_REVISION) and stamped into the assembly.
ARG VERSION=0.0.0-local
ARG SOURCE_REVISION=
WORKDIR /src

# Restore first, from the project files only, so the package layer survives source edits.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Domain/Beacon.Domain.csproj src/Domain/
COPY src/Application/Beacon.Application.csproj src/Application/
COPY src/Infrastructure/Beacon.Infrastructure.csproj src/Infrastructure/
COPY src/Web/Beacon.Web.csproj src/Web/
RUN dotnet restore src/Web/Beacon.Web.csproj

COPY src/ src/
COPY --from=client /src/src/Web/wwwroot/app/ src/Web/wwwroot/app/
# SkipClientBuild=true: the client was built above; publish still copies wwwroot/app (ClientAppPublish target).
# The build context has no .git (.dockerignore), so the commit comes in as SOURCE_REVISION.
RUN dotnet publish src/Web/Beacon.Web.csproj -c Release -o /app --no-restore \
        -p:SkipClientBuild=true \
        -p:Version="$VERSION" \
        -p:SourceRevisionId="$SOURCE_REVISION" \
        -p:EnableSourceControlManagerQueries=false

# --- 3. Runtime. -----------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# The embedded SQLite database (used when ConnectionStrings:Postgres is not set) lives here; a volume keeps it.
RUN mkdir -p /app/App_Data && chown "$APP_UID" /app/App_Data
COPY --from=build /app ./

# Plain HTTP on 8080 behind the proxy (nginx terminates TLS). Kestrel:Endpoints in configuration, e.g. a TLS or an
# h2c endpoint, replaces this; see docs/operations.md. HTTP_PORTS is cleared so URLS is the only binding.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1
EXPOSE 8080
VOLUME ["/app/App_Data"]

# The image's built-in unprivileged user (uid 1654).
USER $APP_UID

# Liveness only (the process answers); readiness (Redis, database) is /health/ready, for the load balancer. The
# runtime image has no curl: bash's /dev/tcp sends the request.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 2 status <&3 && [[ $status == *' 200 '* ]]"]

# SIGTERM (docker stop) drains: new streams get 503, open ones a jittered retry: hint, then they end. Give it
# time before SIGKILL (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Beacon.Web.dll"]
