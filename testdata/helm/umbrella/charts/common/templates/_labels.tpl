{{- define "common.labels" -}}
managed-by: {{ .Release.Service }}
chart: {{ .Chart.Name }}
{{- end -}}
