{{- define "tpl.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "tpl.image" -}}
{{- $registry := .Values.global.imageRegistry | default "" -}}
{{- $repo := tpl .Values.image.repository . -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ $repo }}:{{ $tag }}
{{- end -}}
{{- define "tpl.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tpl.secretName" -}}
{{ tpl .Values.existingSecret . | default "generated" }}
{{- end }}
