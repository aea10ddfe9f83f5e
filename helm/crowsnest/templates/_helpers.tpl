{{- define "crowsnest.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "crowsnest.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "crowsnest.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "crowsnest.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "crowsnest.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crowsnest.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "crowsnest.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "crowsnest.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "crowsnest.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "crowsnest.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "crowsnest.image" -}}
{{- $repo := .Values.image.repository }}
{{- if .Values.image.registry }}{{ $repo = printf "%s/%s" .Values.image.registry $repo }}{{ end }}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the chart keeps: NEXTAUTH_SECRET and the bundled Redis's password (generated once), and the OIDC client secret and Redis URL when given as values. */}}
{{- define "crowsnest.secretName" -}}
{{- include "crowsnest.fullname" . }}
{{- end }}

{{- define "crowsnest.redisName" -}}
{{- printf "%s-redis" (include "crowsnest.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Where the bundled Redis's password is: a Secret of the installer's, else the chart's own (key redis-password either way). */}}
{{- define "crowsnest.redisPasswordSecret" -}}
{{- default (include "crowsnest.secretName" .) .Values.redis.bundled.auth.existingSecret }}
{{- end }}

{{/*
The bundled Redis's password as the variable REDIS_PASSWORD, for the Redis container
(--requirepass) and the portal (its REDIS_URL): both read it through $(REDIS_PASSWORD),
which Kubernetes expands in args and in the values of later variables.
*/}}
{{- define "crowsnest.redisPasswordEnv" -}}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "crowsnest.redisPasswordSecret" . }}
      key: redis-password
{{- end }}

{{/* How the portal reaches Redis: external (a URL), bundled, or none (one replica, in memory). */}}
{{- define "crowsnest.redisMode" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret }}external{{ else if .Values.redis.bundled.enabled }}bundled{{ else }}none{{ end }}
{{- end }}

{{- define "crowsnest.publicUrl" -}}
{{- if .Values.auth.url }}{{ .Values.auth.url }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}{{ printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) (first .Values.ingress.hosts) }}
{{- end }}
{{- end }}

{{/*
The set of built-in kinds (and "custom") whose watch streams are on, as a dict, from
.Values.watchStreams.kinds read as the portal reads CROWSNEST_WATCH_STREAMS.
*/}}
{{- define "crowsnest.enabledStreams" -}}
{{- $registry := include "crowsnest.kindRegistry" . | fromJson }}
{{- $items := list }}
{{- range .Values.watchStreams.kinds }}{{ $items = append $items (lower (trim .)) }}{{ end }}
{{- $enabled := dict }}
{{- if not (or (has "off" $items) (has "none" $items)) }}
{{- $adds := list }}
{{- $removes := list }}
{{- range $items }}{{ if hasPrefix "-" . }}{{ $removes = append $removes (trimPrefix "-" .) }}{{ else }}{{ $adds = append $adds . }}{{ end }}{{ end }}
{{- if not $adds }}{{ $adds = list "all" }}{{ end }}
{{- range $item := concat $adds $removes }}
{{- $tokens := list }}
{{- if eq $item "all" }}{{ $tokens = append (keys $registry.kinds) "custom" }}
{{- else if eq $item "custom" }}{{ $tokens = list "custom" }}
{{- else if hasKey $registry.aliases $item }}{{ $tokens = get $registry.aliases $item }}
{{- else if hasKey $registry.kinds $item }}{{ $tokens = list $item }}
{{- else }}{{ fail (printf "watchStreams.kinds: unknown token %q" $item) }}
{{- end }}
{{- range $tokens }}{{ if has $item $removes }}{{ $_ := unset $enabled . }}{{ else }}{{ $_ := set $enabled . true }}{{ end }}{{ end }}
{{- end }}
{{- end }}
{{- toJson $enabled }}
{{- end }}

{{- define "crowsnest.portalSelectorLabels" -}}
{{ include "crowsnest.selectorLabels" . }}
app.kubernetes.io/component: portal
{{- end }}

{{- define "crowsnest.redisSelectorLabels" -}}
{{ include "crowsnest.selectorLabels" . }}
app.kubernetes.io/component: redis
{{- end }}

{{/* The team yards in the CROWSNEST_YARDS grammar: <id>=<edit groups>[/<view groups>];… */}}
{{- define "crowsnest.yards" -}}
{{- $entries := list -}}
{{- range .Values.yard.teams -}}
{{- $entry := printf "%s=%s" .id (join "," .edit) -}}
{{- if .view }}{{- $entry = printf "%s/%s" $entry (join "," .view) -}}{{- end -}}
{{- $entries = append $entries $entry -}}
{{- end -}}
{{- join ";" $entries -}}
{{- end -}}
