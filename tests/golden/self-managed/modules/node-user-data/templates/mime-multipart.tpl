MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="${boundary}"
%{ for part in parts ~}

--${boundary}
Content-Type: ${part.content_type}

${part.body}
%{ endfor ~}

--${boundary}--
