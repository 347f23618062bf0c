{{- define "kc.name" -}}{{ .Chart.Name }}{{- end -}}

{{- define "kc.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "kc.labels" -}}
app.kubernetes.io/name: {{ include "kc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kc.selector" -}}
app.kubernetes.io/name: {{ include "kc.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "kc.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "kc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "kc.fullname" .) .Values.serviceAccount.name }}
{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end -}}

{{/* Environment of every container: the ConfigMap, the operator's Secret, the signing files. */}}
{{- define "kc.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "kc.fullname" . }}
  - secretRef:
      name: {{ .Values.secrets.existingSecret }}
env:
  - name: CERTIFICATE_SIGNING_KEY_FILE
    value: /etc/kommunal-campus/signing/tls.key
  - name: CERTIFICATE_SIGNING_CERT_FILE
    value: /etc/kommunal-campus/signing/tls.crt
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Writable places on a read-only root filesystem: /tmp only; the signing key read-only. */}}
{{- define "kc.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  - name: signing
    mountPath: /etc/kommunal-campus/signing
    readOnly: true
{{- end -}}

{{- define "kc.volumes" -}}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 256Mi
  - name: signing
    secret:
      secretName: {{ .Values.signing.existingSecret }}
      defaultMode: 0440
{{- end -}}

{{- define "kc.podSpecCommon" -}}
serviceAccountName: {{ include "kc.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "kc.probeHeaders" -}}
httpHeaders:
  - name: Host
    value: {{ first .Values.allowedHosts | quote }}
{{- end -}}
