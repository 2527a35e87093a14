{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "exfilwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "exfilwatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "exfilwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "exfilwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "exfilwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "exfilwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: node-agent
app.kubernetes.io/part-of: exfilwatch
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "exfilwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "exfilwatch.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "exfilwatch.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Where the pod sees the sensor's files: the same paths as on the host, so docs and logs agree. */}}
{{- define "exfilwatch.tetragonSocket" -}}
{{- printf "unix://%s/%s" (trimSuffix "/" .Values.tetragon.socketDir) .Values.tetragon.socketName -}}
{{- end -}}

{{- define "exfilwatch.spoolDir" -}}/var/lib/exfilwatch/spool{{- end -}}

{{/*
The exfilwatch config file (config.yaml). Built as a dict and serialised once, so values are always valid
YAML whatever they contain. Keys follow CONFIGURATION.md; extraConfig is merged last.
*/}}
{{/*
host:port for a listener on listenAddress (an IPv6 address in brackets: `[::]:2801`).
*/}}
{{- define "exfilwatch.listen" -}}
{{- $root := index . 0 -}}
{{- $address := $root.Values.listenAddress -}}
{{- if contains ":" $address -}}{{- $address = printf "[%s]" $address -}}{{- end -}}
{{- printf "%s:%d" $address (int (index . 1)) -}}
{{- end -}}

{{- define "exfilwatch.config" -}}
{{- $sources := dict -}}
{{- if .Values.tetragon.enabled -}}
{{- if eq .Values.tetragon.mode "grpc" -}}
{{- $_ := set $sources "tetragonGrpc" (list (dict "address" (include "exfilwatch.tetragonSocket" .))) -}}
{{- else -}}
{{- $_ := set $sources "tetragonFile" (list (dict "path" (printf "%s/%s" (trimSuffix "/" .Values.tetragon.exportDir) .Values.tetragon.exportFile))) -}}
{{- end -}}
{{- end -}}
{{- if .Values.falco.enabled -}}
{{- $falco := dict "listen" (include "exfilwatch.listen" (list . .Values.falco.port)) -}}
{{- if .Values.falco.sharedSecret.name -}}
{{- $_ := set $falco "sharedSecret" (dict "valueFile" (printf "/etc/exfilwatch/falco-secret/%s" .Values.falco.sharedSecret.key)) -}}
{{- end -}}
{{- $_ := set $sources "falcoHttp" (list $falco) -}}
{{- end -}}
{{- $sinks := dict -}}
{{- if .Values.nats.enabled -}}
{{- $nats := dict "servers" (list .Values.nats.url) "subjectPrefix" .Values.nats.prefix "spool" (dict "dir" (include "exfilwatch.spoolDir" .)) -}}
{{- if .Values.nats.credsSecret.name -}}
{{- $_ := set $nats "credsFile" (printf "/etc/exfilwatch/nats-creds/%s" .Values.nats.credsSecret.key) -}}
{{- end -}}
{{- if .Values.nats.tlsSecret.name -}}
{{- $tls := dict "caFile" (printf "/etc/exfilwatch/nats-tls/%s" .Values.nats.tlsSecret.caKey) -}}
{{- if .Values.nats.tlsSecret.certKey -}}
{{- $_ := set $tls "certFile" (printf "/etc/exfilwatch/nats-tls/%s" .Values.nats.tlsSecret.certKey) -}}
{{- $_ := set $tls "keyFile" (printf "/etc/exfilwatch/nats-tls/%s" .Values.nats.tlsSecret.keyKey) -}}
{{- end -}}
{{- $_ := set $nats "tls" $tls -}}
{{- end -}}
{{- $_ := set $sinks "nats" $nats -}}
{{- end -}}
{{- if .Values.stdoutAlerts -}}
{{- $_ := set $sinks "stdout" dict -}}
{{- end -}}
{{- $config := dict
  "logLevel" .Values.logLevel
  "sources" $sources
  "correlator" .Values.correlator
  "allowlist" .Values.allowlist
  "sinks" $sinks
  "metrics" (dict "enabled" true "listen" (include "exfilwatch.listen" (list . .Values.metrics.port)))
  "kubernetes" (dict "podSecrets" (ternary "on" "off" .Values.kubernetes.podSecrets))
-}}
{{- $config = mustMergeOverwrite $config (deepCopy .Values.extraConfig) -}}
{{- toYaml $config -}}
{{- end -}}
